/**
 * The drills: one of the simulation's fault knobs (`../aws/faults.ts`), turned on by name from
 * the command line, so that an on-call engineer sees what a bad night looks like in
 * `rollout watch`, the drain function's log, the alarms and the apply, and practises the
 * README's "When a rollout fails". Each acts on the AMI the practice rolls onto, so the base
 * stacks come up normally.
 */
import type { AppService } from "../rehearsal/services";
import type { SimulatedAws } from "../aws/simulation";

export interface Drill {
  readonly name: string;
  /** What goes wrong, for `--help` and the sandbox's banner. */
  readonly description: string;
  /** Turns the fault on; `newAmiId` is the image the practice rolls onto. */
  arm(aws: SimulatedAws, newAmiId: string): void;
  /** How the drill changes the apps the sandbox seeds. */
  services?(services: readonly AppService[]): AppService[];
}

/** Longer than the hook's 20-minute heartbeat: the drain outlives an invocation and heartbeats. */
const LONG_DEREGISTRATION_SECONDS = 1800;

export const DRILLS: readonly Drill[] = [
  {
    name: "never-registers",
    description:
      "instances of the new AMI never register with ECS: the launch hook abandons them, the capacity wait fails the apply, the old group serves on",
    arm: (aws, newAmiId) => aws.faults.neverRegister(newAmiId),
  },
  {
    name: "unhealthy-tasks",
    description:
      "tasks on the new AMI never pass their health check: the drain holds the old instance (drain-blocked) and the apply fails at the old group's delete timeout",
    arm: (aws, newAmiId) => aws.faults.neverHealthy(newAmiId),
  },
  {
    name: "long-drain",
    description: `a ${LONG_DEREGISTRATION_SECONDS / 60}-minute deregistration delay: the drain outlives the hook's heartbeat; invocations hand off and heartbeats keep the instance`,
    arm: () => undefined,
    services: (services) =>
      services.map((service) => ({
        ...service,
        deregistrationDelaySeconds: LONG_DEREGISTRATION_SECONDS,
      })),
  },
  {
    name: "throttled-ecs",
    description:
      "ECS refuses every other call of each operation (ThrottlingException): the SDK retries, the rollout still goes right",
    arm: (aws) => aws.faults.throttleEcs({ inARow: 1 }),
  },
];

export function drillNamed(name: string): Drill | undefined {
  return DRILLS.find((drill) => drill.name === name);
}
