import {
  DescribeContainerInstancesCommand,
  paginateListContainerInstances,
  UpdateContainerInstancesStateCommand,
  type ContainerInstance,
  type ECSClient,
  type Failure,
} from "@aws-sdk/client-ecs";

/** The part of an ECS container instance the drain decides on. */
export interface ContainerInstanceState {
  readonly arn: string;
  /** `ACTIVE`, `DRAINING`, `REGISTERING`, ... */
  readonly status: string;
  /** Whether its ECS agent is connected: without it, ECS cannot start tasks there. */
  readonly agentConnected: boolean;
  /**
   * Tasks ECS still wants on the instance: desired status RUNNING, or PENDING. Tasks ECS has
   * decided to stop drop out of this count at once, though they may still be serving.
   */
  readonly scheduledTasks: number;
}

/** An ECS error meaning the cluster itself does not exist (deleted, or a wrong name). */
export function isClusterNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === "ClusterNotFoundException";
}

/**
 * The container instance ARN of an EC2 instance, found by a server-side filter so the call costs
 * the same in a cluster of two instances or two hundred. Follows `nextToken` because a filtered
 * page may come back empty with more to read, and stopping there would look like "not
 * registered" and release an instance that still runs tasks.
 */
export async function findContainerInstanceArn(
  ecs: ECSClient,
  cluster: string,
  ec2InstanceId: string,
): Promise<string | undefined> {
  const pages = paginateListContainerInstances(
    { client: ecs },
    { cluster, filter: `ec2InstanceId == ${ec2InstanceId}` },
  );
  for await (const page of pages) {
    const [arn] = page.containerInstanceArns ?? [];
    if (arn !== undefined) return arn;
  }
  return undefined;
}

/** Status and task counts in one call; `undefined` once the instance has deregistered. */
export async function describeContainerInstance(
  ecs: ECSClient,
  cluster: string,
  arn: string,
): Promise<ContainerInstanceState | undefined> {
  const output = await ecs.send(
    new DescribeContainerInstancesCommand({ cluster, containerInstances: [arn] }),
  );
  return stateOf("DescribeContainerInstances", arn, output);
}

/**
 * Sets the instance DRAINING so ECS starts replacement tasks elsewhere and stops these. The
 * answer carries the updated counts, which saves a describe call.
 */
export async function startDraining(
  ecs: ECSClient,
  cluster: string,
  arn: string,
): Promise<ContainerInstanceState | undefined> {
  const output = await ecs.send(
    new UpdateContainerInstancesStateCommand({
      cluster,
      containerInstances: [arn],
      status: "DRAINING",
    }),
  );
  return stateOf("UpdateContainerInstancesState", arn, output);
}

/**
 * ECS reports per-instance problems in `failures` instead of an error. `MISSING` means the
 * instance deregistered, so nothing is left to drain; any other failure must not be mistaken for
 * "no tasks", so it is thrown and the invocation retried.
 */
function stateOf(
  operation: string,
  arn: string,
  output: { containerInstances?: ContainerInstance[]; failures?: Failure[] },
): ContainerInstanceState | undefined {
  const [instance] = output.containerInstances ?? [];
  if (instance !== undefined) {
    return {
      arn,
      status: instance.status ?? "UNKNOWN",
      agentConnected: instance.agentConnected === true,
      scheduledTasks: (instance.runningTasksCount ?? 0) + (instance.pendingTasksCount ?? 0),
    };
  }
  const [failure] = output.failures ?? [];
  if (failure?.reason === "MISSING") return undefined;
  const why = failure ? `${failure.reason ?? "unknown"} ${failure.detail ?? ""}`.trim() : "empty";
  throw new Error(`${operation} for ${arn} failed: ${why}`);
}
