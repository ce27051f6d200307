/**
 * Every AWS name derived from a cluster's name, in one place, with the limit each service puts
 * on it. The stage loader and the constructs check a cluster name with {@link clusterNameProblem},
 * so a name that synthesizes is one every service accepts.
 */

/** Characters AWS adds to a `name_prefix` to make a unique name (a timestamp and a counter). */
const GENERATED_SUFFIX_LENGTH = 26;
/** Length of the id Terraform gives a `terraform_data` object (a UUID). */
const GENERATION_ID_LENGTH = 36;

/** The names of one cluster's resources. */
export interface ClusterNames {
  /** The ECS cluster. */
  readonly cluster: string;
  /** `name_prefix` of the launch configurations, and start of every ASG name (IAM scopes by it). */
  readonly instancePrefix: string;
  /** The drain function, its role, topic and log group share this name. */
  readonly drainFunction: string;
  readonly drainLogGroup: string;
  readonly hookRole: string;
  readonly failureQueue: string;
  readonly lowInstanceAlarm: string;
  readonly drainErrorsAlarm: string;
  readonly failureQueueAlarm: string;
  /** The alarm that stays in ALARM while failed events wait in the queue. */
  readonly failureBacklogAlarm: string;
}

export function clusterNames(clusterName: string): ClusterNames {
  const drainFunction = `${clusterName}-instance-drain`;
  const failureQueue = `${drainFunction}-failures`;
  return {
    cluster: clusterName,
    instancePrefix: `${clusterName}-`,
    drainFunction,
    drainLogGroup: `/aws/lambda/${drainFunction}`,
    hookRole: `${clusterName}-lifecycle-hook`,
    failureQueue,
    lowInstanceAlarm: `${clusterName}-low-instances`,
    drainErrorsAlarm: `${drainFunction}-errors`,
    failureQueueAlarm: failureQueue,
    failureBacklogAlarm: `${failureQueue}-backlog`,
  };
}

/** ECS cluster names: letters of both cases, digits, hyphens and underscores, up to 255. */
export const CLUSTER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

export const CLUSTER_NAME_RULE =
  "must be 1-255 letters, digits, hyphens or underscores (an ECS cluster name)";

interface Limit {
  readonly what: string;
  readonly length: (names: ClusterNames) => number;
  readonly max: number;
  readonly service: string;
}

// The longest name each resource can get, against its service's documented maximum.
const LIMITS: readonly Limit[] = [
  {
    what: "drain function name",
    length: (n) => n.drainFunction.length,
    max: 64,
    service: "Lambda function names",
  },
  {
    what: "drain function role name",
    length: (n) => n.drainFunction.length,
    max: 64,
    service: "IAM role names",
  },
  {
    what: "lifecycle hook role name",
    length: (n) => n.hookRole.length,
    max: 64,
    service: "IAM role names",
  },
  {
    what: "failure queue name",
    length: (n) => n.failureQueue.length,
    max: 80,
    service: "SQS queue names",
  },
  {
    what: "drain topic name",
    length: (n) => n.drainFunction.length,
    max: 256,
    service: "SNS topic names",
  },
  {
    what: "generated launch configuration name",
    length: (n) => n.instancePrefix.length + GENERATED_SUFFIX_LENGTH,
    max: 255,
    service: "launch configuration names",
  },
  {
    // The ASG's name_prefix is the launch configuration's generated name plus "-".
    what: "generated autoscaling group name",
    length: (n) => n.instancePrefix.length + 2 * GENERATED_SUFFIX_LENGTH + 1,
    max: 255,
    service: "autoscaling group names",
  },
  {
    // With a launch template the ASG's name_prefix is the prefix, the generation's id (a UUID)
    // and "-".
    what: "generated autoscaling group name of a launch template stage",
    length: (n) => n.instancePrefix.length + GENERATION_ID_LENGTH + 1 + GENERATED_SUFFIX_LENGTH,
    max: 255,
    service: "autoscaling group names",
  },
  {
    what: "drain errors alarm name",
    length: (n) => n.drainErrorsAlarm.length,
    max: 255,
    service: "CloudWatch alarm names",
  },
];

/** The longest cluster name whose every derived name fits. */
export const MAX_CLUSTER_NAME_LENGTH = Math.min(
  // Each derived name holds the cluster name once, so its length grows with it one for one.
  ...LIMITS.map((limit) => limit.max - limit.length(clusterNames(""))),
);

/**
 * Why `clusterName` cannot be used, or undefined when it can: the ECS rule, then the first
 * derived name that would exceed its service's limit, named with both lengths.
 */
export function clusterNameProblem(clusterName: string): string | undefined {
  if (!CLUSTER_NAME_PATTERN.test(clusterName)) return CLUSTER_NAME_RULE;
  const names = clusterNames(clusterName);
  for (const limit of LIMITS) {
    const length = limit.length(names);
    if (length > limit.max) {
      return `must be at most ${MAX_CLUSTER_NAME_LENGTH} characters: the ${limit.what} would be ${length} characters, and ${limit.service} allow ${limit.max}`;
    }
  }
  return undefined;
}
