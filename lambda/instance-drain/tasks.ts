import {
  DescribeTasksCommand,
  paginateListTasks,
  type DesiredStatus,
  type ECSClient,
} from "@aws-sdk/client-ecs";

/** ECS's limit on task ARNs per DescribeTasks call. */
const MAX_TASKS_PER_DESCRIBE = 100;

/**
 * Every task on the container instance that has not reached `lastStatus` STOPPED. A task ECS is
 * stopping has desired status STOPPED at once but keeps serving through the load balancer's
 * deregistration delay and its stop timeout, so both desired statuses are listed.
 */
export async function tasksNotStopped(
  ecs: ECSClient,
  cluster: string,
  containerInstanceArn: string,
): Promise<string[]> {
  const arns = new Set<string>();
  for (const desiredStatus of ["RUNNING", "STOPPED"] satisfies DesiredStatus[]) {
    const pages = paginateListTasks(
      { client: ecs },
      { cluster, containerInstance: containerInstanceArn, desiredStatus },
    );
    for await (const page of pages) for (const arn of page.taskArns ?? []) arns.add(arn);
  }
  return stillNotStopped(ecs, cluster, [...arns]);
}

/**
 * Those of `taskArns` that have not reached `lastStatus` STOPPED. A task ECS no longer knows
 * (`MISSING`: stopped tasks are forgotten after about an hour) has stopped; any other failure
 * must not pass for "stopped", so it is thrown and the invocation retried.
 */
export async function stillNotStopped(
  ecs: ECSClient,
  cluster: string,
  taskArns: readonly string[],
): Promise<string[]> {
  const running: string[] = [];
  for (let i = 0; i < taskArns.length; i += MAX_TASKS_PER_DESCRIBE) {
    const output = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: taskArns.slice(i, i + MAX_TASKS_PER_DESCRIBE) }),
    );
    for (const task of output.tasks ?? []) {
      if (task.lastStatus !== "STOPPED" && task.taskArn) running.push(task.taskArn);
    }
    const failure = output.failures?.find(({ reason }) => reason !== "MISSING");
    if (failure) {
      throw new Error(
        `DescribeTasks for ${failure.arn ?? "a task"} failed: ${`${failure.reason ?? "unknown"} ${failure.detail ?? ""}`.trim()}`,
      );
    }
  }
  return running;
}
