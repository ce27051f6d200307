/**
 * The limits AWS documents for the numbers in stacks/stages.json, each with where it comes
 * from, so a value AWS would refuse at apply (or that could never work) fails at synth instead.
 * The constructs check how the drain settings fit together; these are the bounds of each one.
 */

/** A number field of a stage and what AWS allows for it. */
export interface NumberLimit {
  /** Where the field sits in a stage, e.g. ["drain", "heartbeatTimeoutSeconds"]. */
  readonly path: readonly [string, ...string[]];
  readonly min: number;
  readonly max: number;
  /** Only these values, when AWS takes a fixed set. */
  readonly allowed?: readonly number[];
  /** What sets the limit, as the message names it. */
  readonly source: string;
}

/** CloudWatch Logs' retention periods (PutRetentionPolicy `retentionInDays`). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

// Every instance of the group registers with the stage's ECS cluster.
const ECS_INSTANCES = "ECS: at most 5000 container instances per cluster, not adjustable";
const HOOK_HEARTBEAT = "Auto Scaling: a lifecycle hook's heartbeat timeout is 30 to 7200 seconds";

export const NUMBER_LIMITS: readonly NumberLimit[] = [
  { path: ["minSize"], min: 1, max: 5000, source: ECS_INSTANCES },
  { path: ["maxSize"], min: 1, max: 5000, source: ECS_INSTANCES },
  { path: ["desiredCapacity"], min: 0, max: 5000, source: ECS_INSTANCES },
  {
    path: ["minAvailabilityZones"],
    min: 1,
    max: 6,
    source: "EC2: a region has at most 6 Availability Zones (us-east-1)",
  },
  {
    path: ["rootVolumeSizeGiB"],
    min: 30,
    max: 16384,
    source:
      "EBS: a gp3 volume is at most 16384 GiB, and the root volume at least the ECS-optimized AMI's 30 GiB snapshot",
  },
  {
    path: ["drain", "drainTimeoutMinutes"],
    min: 1,
    max: 2880,
    source: "Auto Scaling: a lifecycle hook holds an instance at most 48 hours",
  },
  { path: ["drain", "heartbeatTimeoutSeconds"], min: 30, max: 7200, source: HOOK_HEARTBEAT },
  { path: ["drain", "registrationTimeoutSeconds"], min: 30, max: 7200, source: HOOK_HEARTBEAT },
  {
    path: ["drain", "lambdaTimeoutSeconds"],
    min: 1,
    max: 900,
    source: "Lambda: a function's timeout is at most 900 seconds",
  },
  {
    path: ["drain", "pollSeconds"],
    min: 1,
    max: 900,
    source: "a poll must fit in one Lambda invocation, at most 900 seconds",
  },
  {
    path: ["drain", "memorySizeMb"],
    min: 128,
    max: 10240,
    source: "Lambda: a function's memory is 128 to 10240 MB",
  },
  {
    path: ["drain", "logRetentionDays"],
    min: 1,
    max: 3653,
    allowed: LOG_RETENTION_DAYS,
    source: "CloudWatch Logs' retention periods",
  },
  {
    path: ["alarm", "evaluationPeriods"],
    min: 1,
    max: 1440,
    source: "CloudWatch: an alarm evaluates at most one day of its one-minute periods",
  },
];

/** What is wrong with `value` for `limit`, or `undefined` when AWS allows it. */
export function numberLimitProblem(limit: NumberLimit, value: number): string | undefined {
  if (limit.allowed !== undefined) {
    if (limit.allowed.includes(value)) return undefined;
    return `must be one of ${limit.allowed.join(", ")} (${limit.source})`;
  }
  if (value >= limit.min && value <= limit.max) return undefined;
  return `must be from ${limit.min} to ${limit.max} (${limit.source})`;
}
