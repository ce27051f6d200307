import {
  DescribeServicesCommand,
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

/** A task ECS still wants on the instance (desired RUNNING), with what started it. */
export interface WantedTask {
  readonly arn: string;
  /** `service:<name>` for a service's task; `family:<name>` (or a custom group) for RunTask. */
  readonly group: string;
}

/** The prefix ECS gives the `group` of every task a service started. */
const SERVICE_GROUP = "service:";

/**
 * Tasks on the container instance still desired RUNNING and not yet STOPPED. On a DRAINING
 * instance a service's task keeps that status only while ECS has no healthy replacement
 * elsewhere (minimum healthy percent); a standalone task keeps it because nothing moves it.
 */
export async function wantedTasks(
  ecs: ECSClient,
  cluster: string,
  containerInstanceArn: string,
): Promise<WantedTask[]> {
  const arns: string[] = [];
  const pages = paginateListTasks(
    { client: ecs },
    { cluster, containerInstance: containerInstanceArn, desiredStatus: "RUNNING" },
  );
  for await (const page of pages) arns.push(...(page.taskArns ?? []));
  const wanted: WantedTask[] = [];
  for (let i = 0; i < arns.length; i += MAX_TASKS_PER_DESCRIBE) {
    const output = await ecs.send(
      new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + MAX_TASKS_PER_DESCRIBE) }),
    );
    for (const task of output.tasks ?? []) {
      if (task.lastStatus === "STOPPED" || task.desiredStatus === "STOPPED" || !task.taskArn) {
        continue;
      }
      wanted.push({ arn: task.taskArn, group: task.group ?? "" });
    }
  }
  return wanted;
}

/** The services (sorted, once each) that `tasks` belong to; standalone tasks have none. */
export function servicesOf(tasks: readonly WantedTask[]): string[] {
  const names = tasks
    .filter(({ group }) => group.startsWith(SERVICE_GROUP))
    .map(({ group }) => group.slice(SERVICE_GROUP.length));
  return [...new Set(names)].sort();
}

/** The tasks no service will start anywhere else. */
export function standaloneTasks(tasks: readonly WantedTask[]): WantedTask[] {
  return tasks.filter(({ group }) => !group.startsWith(SERVICE_GROUP));
}

/** ECS's limit on services per DescribeServices call. */
const MAX_SERVICES_PER_DESCRIBE = 10;

/**
 * Those of `services` whose scheduling strategy is DAEMON. ECS stops a daemon's task on a
 * draining instance only after every other task there, and runs a copy on every instance, so
 * its task is never the last healthy copy: it must not hold the instance (behind a standalone
 * task nothing stops, it would hold it until the hook's global timeout). When ECS cannot say
 * (the call fails), none is taken for a daemon: holding is the safe side.
 */
export async function daemonServices(
  ecs: ECSClient,
  cluster: string,
  services: readonly string[],
): Promise<Set<string>> {
  const daemons = new Set<string>();
  try {
    for (let i = 0; i < services.length; i += MAX_SERVICES_PER_DESCRIBE) {
      const output = await ecs.send(
        new DescribeServicesCommand({
          cluster,
          services: services.slice(i, i + MAX_SERVICES_PER_DESCRIBE),
        }),
      );
      for (const service of output.services ?? []) {
        if (service.schedulingStrategy === "DAEMON" && service.serviceName) {
          daemons.add(service.serviceName);
        }
      }
    }
  } catch {
    return new Set();
  }
  return daemons;
}
