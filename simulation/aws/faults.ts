/**
 * Fault knobs for the rehearsal's scenarios: instances of an AMI (or launch configuration) whose
 * ECS agent never registers, instances of an AMI on which tasks never pass their health check,
 * ECS operations the caller may not call, and ECS API throttling — a fraction of calls (from a seeded generator, so a run repeats) or N
 * calls in a row per operation — answered as AWS does (`ThrottlingException`, HTTP 400, which
 * the SDK's standard retry recognises and retries with backoff).
 */
import { AwsError } from "./service";
import { seededRandom } from "../seeded-random";

export interface ThrottleSettings {
  /** The operations throttled; all ECS operations when absent. */
  readonly operations?: readonly string[];
  /** Fraction (0–1) of calls throttled. */
  readonly fraction?: number;
  /** Throttle this many calls in a row of each operation, then let one through, and again. */
  readonly inARow?: number;
  /** @default 1 */
  readonly seed?: number;
}

export interface FaultSettings {
  /** ECS operations the caller's role may not call (AccessDeniedException). */
  readonly denyEcs?: readonly string[];
  /** AMI ids or launch configuration names whose instances never register with ECS. */
  readonly neverRegister?: readonly string[];
  /** AMI ids on whose instances tasks never become healthy. */
  readonly neverHealthy?: readonly string[];
  readonly throttleEcs?: ThrottleSettings;
}

export class Faults {
  private readonly unregistered = new Set<string>();
  private readonly unhealthy = new Set<string>();
  private readonly deniedEcs = new Set<string>();
  private throttling: ThrottleSettings | undefined;
  private readonly throttledInARow = new Map<string, number>();
  private random: () => number = seededRandom(1);
  /** Calls answered with ThrottlingException, per operation. */
  readonly throttled = new Map<string, number>();

  constructor(settings: FaultSettings = {}) {
    for (const id of settings.neverRegister ?? []) this.neverRegister(id);
    for (const id of settings.neverHealthy ?? []) this.neverHealthy(id);
    if (settings.throttleEcs) this.throttleEcs(settings.throttleEcs);
    for (const operation of settings.denyEcs ?? []) this.denyEcs(operation);
  }

  /** The caller's role may not call this ECS operation. */
  denyEcs(operation: string): void {
    this.deniedEcs.add(operation);
  }

  /** Instances launched from this AMI, or this launch configuration, never register with ECS. */
  neverRegister(imageOrLaunchConfiguration: string): void {
    this.unregistered.add(imageOrLaunchConfiguration);
  }

  /** Tasks on instances of this AMI never pass their health check. */
  neverHealthy(imageId: string): void {
    this.unhealthy.add(imageId);
  }

  /** Throttles ECS calls from now on; `undefined` stops throttling. */
  throttleEcs(settings: ThrottleSettings | undefined): void {
    const fraction = settings?.fraction ?? 0;
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new RangeError(`throttle fraction must be between 0 and 1, got ${fraction}`);
    }
    this.throttling = settings;
    this.throttledInARow.clear();
    this.random = seededRandom(settings?.seed ?? 1);
  }

  registers(imageId: string, launchConfigurationName: string): boolean {
    return !this.unregistered.has(imageId) && !this.unregistered.has(launchConfigurationName);
  }

  healthyOn(imageId: string): boolean {
    return !this.unhealthy.has(imageId);
  }

  /** Throws AWS's error when this ECS call is denied or to be throttled. */
  checkEcsCall(operation: string): void {
    if (this.deniedEcs.has(operation)) {
      throw new AwsError(
        "AccessDeniedException",
        `User: arn:aws:sts::123456789012:assumed-role/simulated is not authorized to perform: ecs:${operation}`,
      );
    }
    const settings = this.throttling;
    if (settings === undefined) return;
    if (settings.operations !== undefined && !settings.operations.includes(operation)) return;
    let throttle = false;
    if (settings.inARow !== undefined) {
      const sofar = this.throttledInARow.get(operation) ?? 0;
      throttle = sofar < settings.inARow;
      this.throttledInARow.set(operation, throttle ? sofar + 1 : 0);
    }
    if (!throttle && settings.fraction !== undefined) throttle = this.random() < settings.fraction;
    if (!throttle) return;
    this.throttled.set(operation, (this.throttled.get(operation) ?? 0) + 1);
    throw new AwsError("ThrottlingException", "Rate exceeded", 400);
  }
}
