// The contract between the drain function and its construct (constructs/instance-drain.ts):
// the environment variables the construct sets and the function reads, their defaults, and the
// margins the construct checks its timeouts against. Both import this one module, so neither
// can rename a variable or change a margin without the other seeing it.

import type { Logger } from "./log";

/** The environment variables of the function, by the setting each one carries. */
export const DRAIN_ENVIRONMENT = {
  /** The cluster when the hook's metadata names none. */
  clusterName: "CLUSTER_NAME",
  /** Seconds between two looks at an instance. */
  pollSeconds: "POLL_SECONDS",
  /** The drain timeout: seconds of draining after which an instance is released anyway. */
  drainTimeoutSeconds: "MAX_DRAIN_SECONDS",
  /** Seconds a new instance gets to register with the cluster. */
  registrationTimeoutSeconds: "REGISTRATION_TIMEOUT_SECONDS",
} as const;

/** What the construct passes to the function. */
export type DrainSettings = {
  readonly [K in keyof typeof DRAIN_ENVIRONMENT]: K extends "clusterName" ? string : number;
};

/** The function's environment for `settings`, as the construct declares it. */
export function drainEnvironment(settings: DrainSettings): Record<string, string> {
  return {
    [DRAIN_ENVIRONMENT.clusterName]: settings.clusterName,
    [DRAIN_ENVIRONMENT.pollSeconds]: String(settings.pollSeconds),
    [DRAIN_ENVIRONMENT.drainTimeoutSeconds]: String(settings.drainTimeoutSeconds),
    [DRAIN_ENVIRONMENT.registrationTimeoutSeconds]: String(settings.registrationTimeoutSeconds),
  };
}

/**
 * Time kept free at the end of an invocation for the last DescribeContainerInstances, then
 * RecordLifecycleActionHeartbeat and Publish: each at worst `MAX_ATTEMPTS` × `REQUEST_TIMEOUT_MS`
 * (aws-clients.ts) plus about 3 s of throttling backoff (≈ 18 s, ≈ 54 s for the three).
 * Of a 900 s Lambda timeout it leaves 840 s, so one invocation per 14 minutes of drain.
 */
export const SAFETY_MARGIN_MS = 60_000;

/**
 * How often a drain records a lifecycle heartbeat while tasks remain. Independent of the Lambda
 * timeout, so an old ASG's hook keeps its instances even when a rollout also changes the
 * function's timeout (the old hook's heartbeat may be shorter than the new invocation).
 * The construct's shortest allowed heartbeat (420 s) leaves room for a poll and a retry.
 */
export const HEARTBEAT_INTERVAL_MS = 300_000;

/** Lambda's own limit on a function's timeout. */
const MAX_LAMBDA_TIMEOUT_SECONDS = 900;
/** Auto Scaling's limits on a lifecycle hook's heartbeat timeout. */
const MIN_HEARTBEAT_SECONDS = 30;
const MAX_HEARTBEAT_SECONDS = 7200;
/** A hook's global timeout is the lesser of 48 hours and 100 heartbeats. */
const MAX_GLOBAL_TIMEOUT_SECONDS = 48 * 3600;
/**
 * What the heartbeat must cover beyond one full invocation: SNS delivery and a cold start of the
 * next one, or, when an invocation fails, Lambda's two asynchronous retries (1 and 2 minutes
 * apart). Each invocation that continues a drain records a heartbeat as it starts.
 */
export const REDELIVERY_ALLOWANCE_SECONDS = 300;
/**
 * Poll intervals an invocation must have room for before its hand-off (the first of them is
 * spent setting the instance DRAINING), or drains become a relay of short invocations.
 */
const MIN_POLLS_PER_INVOCATION = 4;

/** The drain's timing settings, as the stage's `drain` block and InstanceDrainProps name them. */
export interface DrainTimingInput {
  readonly drainTimeoutMinutes?: number;
  readonly lambdaTimeoutSeconds?: number;
  readonly heartbeatTimeoutSeconds?: number;
  readonly registrationTimeoutSeconds?: number;
  readonly pollSeconds?: number;
}

/**
 * Each timing setting's default and fixed bounds: the one place both sides take them from.
 * The construct applies the defaults and checks the bounds; the function reads the values the
 * construct wrote into its environment (see {@link readConfig}).
 */
export const DRAIN_TIMING_RULES = {
  /** The drain timeout; the capacity wait before DRAINING too. */
  drainTimeoutMinutes: { default: 60, min: 1 },
  lambdaTimeoutSeconds: {
    default: MAX_LAMBDA_TIMEOUT_SECONDS,
    min: 120,
    max: MAX_LAMBDA_TIMEOUT_SECONDS,
  },
  /** Default: `lambdaTimeoutSeconds` + {@link REDELIVERY_ALLOWANCE_SECONDS}. */
  heartbeatTimeoutSeconds: { min: MIN_HEARTBEAT_SECONDS, max: MAX_HEARTBEAT_SECONDS },
  /** At least a minute: an instance needs about that long to boot and register. */
  registrationTimeoutSeconds: { default: 600, min: 60, max: MAX_HEARTBEAT_SECONDS },
  pollSeconds: { default: 10, min: 1 },
} as const;

/** Every timeout of the drain, with the defaults applied and checked to fit together. */
export interface DrainTiming {
  readonly drainTimeoutMinutes: number;
  readonly lambdaTimeoutSeconds: number;
  readonly heartbeatTimeoutSeconds: number;
  readonly registrationTimeoutSeconds: number;
  readonly pollSeconds: number;
  /** `drainTimeoutMinutes` in seconds (the function's `MAX_DRAIN_SECONDS`). */
  readonly drainTimeoutSeconds: number;
  /** How long Auto Scaling lets a lifecycle action wait at most: min(48 h, 100 heartbeats). */
  readonly globalTimeoutSeconds: number;
  /**
   * Longest an instance can stay in Terminating:Wait in a drain that is not blocked: up to the
   * drain timeout waiting for another instance to take its tasks, then up to the drain timeout
   * of draining, then, should the function stop working, one heartbeat. The group's delete
   * timeout outlasts it.
   */
  readonly worstCaseDrainSeconds: number;
}

/** A timing setting that was refused: which one, the value given, and the rule it broke. */
export class DrainTimingError extends Error {
  override readonly name = "DrainTimingError";
  constructor(
    readonly field: keyof DrainTimingInput,
    readonly value: unknown,
    readonly rule: string,
  ) {
    super(`${field} ${rule}, got ${JSON.stringify(value) ?? "nothing"}`);
  }
}

/** The hook's global timeout for a heartbeat timeout. */
export function hookGlobalTimeoutSeconds(heartbeatTimeoutSeconds: number): number {
  return Math.min(MAX_GLOBAL_TIMEOUT_SECONDS, 100 * heartbeatTimeoutSeconds);
}

/**
 * Applies the defaults and checks that the hook, the function and the drain timeout fit together;
 * throws a {@link DrainTimingError} naming the first setting that does not.
 */
export function resolveDrainTiming(input: DrainTimingInput): DrainTiming {
  const rules = DRAIN_TIMING_RULES;
  const fail = (field: keyof DrainTimingInput, rule: string): never => {
    throw new DrainTimingError(field, input[field], rule);
  };
  const wholeNumber = (field: keyof DrainTimingInput, fallback: number, min: number): number => {
    const value = input[field] ?? fallback;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
      fail(field, `must be a whole number of at least ${min}`);
    }
    return value;
  };

  const drainTimeoutMinutes = wholeNumber(
    "drainTimeoutMinutes",
    rules.drainTimeoutMinutes.default,
    rules.drainTimeoutMinutes.min,
  );
  const lambda = rules.lambdaTimeoutSeconds;
  const lambdaTimeoutSeconds = wholeNumber("lambdaTimeoutSeconds", lambda.default, lambda.min);
  if (lambdaTimeoutSeconds > lambda.max) {
    fail("lambdaTimeoutSeconds", `must be at most ${lambda.max} (Lambda's limit)`);
  }
  const pollSeconds = wholeNumber("pollSeconds", rules.pollSeconds.default, rules.pollSeconds.min);
  const handOffSeconds = SAFETY_MARGIN_MS / 1000;
  const maxPollSeconds = Math.floor(
    (lambdaTimeoutSeconds - handOffSeconds) / MIN_POLLS_PER_INVOCATION,
  );
  if (pollSeconds > maxPollSeconds) {
    fail(
      "pollSeconds",
      `must be at most ${maxPollSeconds}: ${MIN_POLLS_PER_INVOCATION} poll intervals and the ${handOffSeconds} s hand-off must fit in lambdaTimeoutSeconds (${lambdaTimeoutSeconds})`,
    );
  }
  const heartbeat = rules.heartbeatTimeoutSeconds;
  const minHeartbeat = lambdaTimeoutSeconds + REDELIVERY_ALLOWANCE_SECONDS;
  const heartbeatTimeoutSeconds = wholeNumber(
    "heartbeatTimeoutSeconds",
    minHeartbeat,
    heartbeat.min,
  );
  if (heartbeatTimeoutSeconds > heartbeat.max) {
    fail("heartbeatTimeoutSeconds", `must be at most ${heartbeat.max} (Auto Scaling's limit)`);
  }
  if (heartbeatTimeoutSeconds < minHeartbeat) {
    fail(
      "heartbeatTimeoutSeconds",
      `must be at least lambdaTimeoutSeconds + ${REDELIVERY_ALLOWANCE_SECONDS} (${minHeartbeat}) so the hook outlives an invocation and its retries`,
    );
  }
  const registration = rules.registrationTimeoutSeconds;
  const registrationTimeoutSeconds = input.registrationTimeoutSeconds ?? registration.default;
  if (
    typeof registrationTimeoutSeconds !== "number" ||
    !Number.isInteger(registrationTimeoutSeconds) ||
    registrationTimeoutSeconds < registration.min ||
    registrationTimeoutSeconds > registration.max
  ) {
    fail(
      "registrationTimeoutSeconds",
      `must be a whole number from ${registration.min} (time to boot and register) to ${registration.max} (Auto Scaling's limit)`,
    );
  }
  const drainTimeoutSeconds = drainTimeoutMinutes * 60;
  const globalTimeoutSeconds = hookGlobalTimeoutSeconds(heartbeatTimeoutSeconds);
  const worstCaseDrainSeconds = 2 * drainTimeoutSeconds + heartbeatTimeoutSeconds;
  if (worstCaseDrainSeconds > globalTimeoutSeconds) {
    // The hook would release the instance with its tasks before the function gives up on it.
    fail(
      "drainTimeoutMinutes",
      `must fit twice (the wait for capacity, then the drain) plus one heartbeat (${heartbeatTimeoutSeconds} s) in the hook's global timeout (${globalTimeoutSeconds / 60} minutes: the lesser of 48 hours and 100 heartbeats); the worst case would be ${Math.ceil(worstCaseDrainSeconds / 60)} minutes`,
    );
  }
  return {
    drainTimeoutMinutes,
    lambdaTimeoutSeconds,
    heartbeatTimeoutSeconds,
    registrationTimeoutSeconds,
    pollSeconds,
    drainTimeoutSeconds,
    globalTimeoutSeconds,
    worstCaseDrainSeconds,
  };
}

/** Settings read from the Lambda's environment on every invocation. */
export interface DrainConfig {
  /** `POLL_SECONDS` in milliseconds. */
  readonly pollMs: number;
  /** `MAX_DRAIN_SECONDS`, the drain timeout, in milliseconds. */
  readonly drainTimeoutMs: number;
  /** `REGISTRATION_TIMEOUT_SECONDS` in milliseconds. */
  readonly registrationTimeoutMs: number;
  /** `CLUSTER_NAME`: the cluster when the hook's metadata names none. */
  readonly defaultCluster?: string;
}

/** The environment variables the handler reads; `process.env` in the Lambda. */
export type DrainEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the drain settings. A bad value is a deployment bug rather than a bad
 * message, so it is logged once (naming variable and value) and thrown: the failed invocation
 * shows up in the function's error metric instead of silently draining with a guessed setting.
 */
export function readConfig(env: DrainEnvironment, log: Logger): DrainConfig {
  // The construct sets every variable; an unset one (a test, a hand-made function) gets the
  // construct's own default, from the same rules, never a second opinion.
  const defaults = resolveDrainTiming({});
  const seconds = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (value > 0) return value;
    const message = `${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`;
    log({ level: "error", action: "reject-configuration", message, variable: name, value: raw });
    throw new Error(message);
  };
  const cluster = env[DRAIN_ENVIRONMENT.clusterName]?.trim();
  return {
    pollMs: seconds(DRAIN_ENVIRONMENT.pollSeconds, defaults.pollSeconds) * 1000,
    drainTimeoutMs:
      seconds(DRAIN_ENVIRONMENT.drainTimeoutSeconds, defaults.drainTimeoutSeconds) * 1000,
    registrationTimeoutMs:
      seconds(DRAIN_ENVIRONMENT.registrationTimeoutSeconds, defaults.registrationTimeoutSeconds) *
      1000,
    defaultCluster: cluster === "" ? undefined : cluster,
  };
}
