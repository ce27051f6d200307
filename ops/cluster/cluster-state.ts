import {
  DescribeAutoScalingInstancesCommand,
  type AutoScalingClient,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  paginateListContainerInstances,
  paginateListServices,
  paginateListTasks,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { ConfigError } from "../../config/config-error";

/**
 * Reads what the operator commands show about a cluster: its container instances (with their
 * AMI, AZ and autoscaling group) and its services. Loaded only by the commands that call AWS.
 */

export interface InstanceState {
  readonly containerInstanceArn: string;
  readonly instanceId: string;
  /** ACTIVE, DRAINING, REGISTERING, ... */
  readonly status: string;
  readonly runningTasks: number;
  readonly pendingTasks: number;
  readonly amiId?: string;
  readonly availabilityZone?: string;
  readonly asgName?: string;
}

export interface ServiceState {
  readonly name: string;
  readonly desired: number;
  readonly running: number;
  /** One deployment, finished, with the desired number of tasks running. */
  readonly steady: boolean;
}

export interface ClusterState {
  readonly instances: readonly InstanceState[];
  readonly services: readonly ServiceState[];
}

export interface TaskPlacement {
  readonly containerInstanceArn?: string;
  readonly availabilityZone?: string;
}

/** Fails with one line when the cluster does not exist (or is no longer active) in the region. */
export async function assertClusterExists(ecs: ECSClient, cluster: string): Promise<void> {
  const { clusters = [] } = await ecs.send(new DescribeClustersCommand({ clusters: [cluster] }));
  if (clusters[0]?.status !== "ACTIVE") {
    const region = await ecs.config.region();
    throw new ConfigError(`ECS cluster "${cluster}" not found in ${region}`);
  }
}

export async function readClusterState(
  ecs: ECSClient,
  autoScaling: AutoScalingClient,
  cluster: string,
): Promise<ClusterState> {
  const [instances, services] = await Promise.all([
    readInstances(ecs, autoScaling, cluster),
    readServices(ecs, cluster),
  ]);
  return { instances, services };
}

/** The cluster's container instances; their ASG only when an Auto Scaling client is given. */
export async function readInstances(
  ecs: ECSClient,
  autoScaling: AutoScalingClient | undefined,
  cluster: string,
): Promise<InstanceState[]> {
  const arns: string[] = [];
  for await (const page of paginateListContainerInstances({ client: ecs }, { cluster })) {
    arns.push(...(page.containerInstanceArns ?? []));
  }
  const described = [];
  for (const batch of chunks(arns, 100)) {
    const { containerInstances = [] } = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster, containerInstances: batch }),
    );
    described.push(...containerInstances);
  }
  const instanceIds = described.flatMap((i) => (i.ec2InstanceId ? [i.ec2InstanceId] : []));
  const groups = autoScaling ? await autoScalingGroups(autoScaling, instanceIds) : new Map();
  return described.map((instance) => {
    const attribute = (name: string) => instance.attributes?.find((a) => a.name === name)?.value;
    const instanceId = instance.ec2InstanceId ?? "";
    return {
      containerInstanceArn: instance.containerInstanceArn ?? "",
      instanceId,
      status: instance.status ?? "UNKNOWN",
      runningTasks: instance.runningTasksCount ?? 0,
      pendingTasks: instance.pendingTasksCount ?? 0,
      amiId: attribute("ecs.ami-id"),
      availabilityZone: attribute("ecs.availability-zone"),
      asgName: groups.get(instanceId),
    };
  });
}

async function autoScalingGroups(
  autoScaling: AutoScalingClient,
  instanceIds: readonly string[],
): Promise<Map<string, string>> {
  const groups = new Map<string, string>();
  for (const batch of chunks(instanceIds, 50)) {
    const { AutoScalingInstances: found = [] } = await autoScaling.send(
      new DescribeAutoScalingInstancesCommand({ InstanceIds: batch }),
    );
    for (const { InstanceId, AutoScalingGroupName } of found) {
      if (InstanceId && AutoScalingGroupName) groups.set(InstanceId, AutoScalingGroupName);
    }
  }
  return groups;
}

export async function readServices(ecs: ECSClient, cluster: string): Promise<ServiceState[]> {
  const arns: string[] = [];
  for await (const page of paginateListServices({ client: ecs }, { cluster })) {
    arns.push(...(page.serviceArns ?? []));
  }
  const services: ServiceState[] = [];
  for (const batch of chunks(arns, 10)) {
    const { services: described = [] } = await ecs.send(
      new DescribeServicesCommand({ cluster, services: batch }),
    );
    for (const service of described) {
      const desired = service.desiredCount ?? 0;
      const running = service.runningCount ?? 0;
      const deployments = service.deployments ?? [];
      const finished = deployments.every((d) => (d.rolloutState ?? "COMPLETED") === "COMPLETED");
      services.push({
        name: service.serviceName ?? "",
        desired,
        running,
        steady: deployments.length <= 1 && finished && running === desired,
      });
    }
  }
  return services.sort((a, b) => a.name.localeCompare(b.name));
}

/** Where each running task of a service is placed. */
export async function readTaskPlacements(
  ecs: ECSClient,
  cluster: string,
  serviceName: string,
): Promise<TaskPlacement[]> {
  const arns: string[] = [];
  const pages = paginateListTasks(
    { client: ecs },
    { cluster, serviceName, desiredStatus: "RUNNING" },
  );
  for await (const page of pages) arns.push(...(page.taskArns ?? []));
  const placements: TaskPlacement[] = [];
  for (const batch of chunks(arns, 100)) {
    const { tasks = [] } = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const task of tasks) {
      if (task.lastStatus !== "RUNNING") continue;
      placements.push({
        containerInstanceArn: task.containerInstanceArn,
        availabilityZone: task.availabilityZone,
      });
    }
  }
  return placements;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
