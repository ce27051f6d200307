/**
 * What the simulated ECS keeps: container instances with the capacity their instance type
 * registers, services as the rehearsal seeds them, and tasks with the statuses a rollout moves
 * them through (PENDING → RUNNING, health, desired STOPPED while deregistering, STOPPED).
 */

export type PlacementStrategy = "spread-az" | "binpack";

export interface Resources {
  /** CPU units (1024 per vCPU). */
  readonly cpu: number;
  /** MiB. */
  readonly memory: number;
}

/**
 * What the ECS agent registers for an instance type: every vCPU as 1024 units, and memory less
 * what the OS and agent keep. Unknown types register as the smallest in the table.
 */
const REGISTERED_RESOURCES: Readonly<Record<string, Resources>> = {
  "t3.medium": { cpu: 2048, memory: 3904 },
  "t3.large": { cpu: 2048, memory: 7936 },
  "t3.xlarge": { cpu: 4096, memory: 15_817 },
  "m5.large": { cpu: 2048, memory: 7681 },
  "m5.xlarge": { cpu: 4096, memory: 15_580 },
  "t4g.medium": { cpu: 2048, memory: 3904 },
  "t4g.large": { cpu: 2048, memory: 7936 },
  "t4g.xlarge": { cpu: 4096, memory: 15_817 },
};

export function registeredResources(instanceType: string): Resources {
  return REGISTERED_RESOURCES[instanceType] ?? REGISTERED_RESOURCES["t3.medium"];
}

export interface ContainerInstance {
  readonly containerInstanceArn: string;
  readonly ec2InstanceId: string;
  readonly cluster: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  readonly imageId: string;
  status: "ACTIVE" | "DRAINING";
  agentConnected: boolean;
  /** AWS epoch milliseconds. */
  readonly registeredAt: number;
  readonly resources: Resources;
}

export interface ServiceSettings {
  readonly cluster: string;
  readonly serviceName: string;
  readonly desiredCount: number;
  /** @default 100 */
  readonly minimumHealthyPercent?: number;
  /** @default 200 */
  readonly maximumPercent?: number;
  /** AWS seconds from a task's start (RUNNING) to its first passing health check. @default 30 */
  readonly healthCheckSeconds?: number;
  /** The target group's deregistration delay, AWS seconds. @default 300 */
  readonly deregistrationDelaySeconds?: number;
  /** AWS seconds a task takes from PENDING to RUNNING (image pull, container start). @default 10 */
  readonly startSeconds?: number;
  /** @default "spread-az" */
  readonly placement?: PlacementStrategy;
  /** @default "REPLICA" */
  readonly schedulingStrategy?: "REPLICA" | "DAEMON";
  /** Each task's reservation. @default 256 CPU units, 512 MiB */
  readonly taskSize?: Resources;
}

export interface Service extends Required<Omit<ServiceSettings, "desiredCount">> {
  readonly serviceArn: string;
  readonly clusterArn: string;
  desiredCount: number;
  /** AWS epoch milliseconds. */
  readonly createdAt: number;
  /**
   * When the last forced new deployment started (UpdateService): tasks created before it are
   * replaced, as tasks on a DRAINING instance are. AWS epoch milliseconds.
   */
  deployedAt?: number;
}

export interface Task {
  readonly taskArn: string;
  readonly cluster: string;
  readonly taskDefinitionArn: string;
  /** `service:<name>` for a service's task, `family:<name>` for a standalone one. */
  readonly group: string;
  readonly serviceName?: string;
  readonly startedBy?: string;
  readonly containerInstanceArn: string;
  readonly ec2InstanceId: string;
  readonly availabilityZone: string;
  readonly size: Resources;
  lastStatus: "PENDING" | "RUNNING" | "STOPPED";
  desiredStatus: "RUNNING" | "STOPPED";
  healthStatus: "UNKNOWN" | "HEALTHY" | "UNHEALTHY";
  /** In the service's target group and not deregistering: it receives requests. */
  registered: boolean;
  /** AWS epoch milliseconds. */
  readonly createdAt: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  stoppedReason?: string;
}

/** A task ECS still counts (not STOPPED). */
export const isLive = (task: Task) => task.lastStatus !== "STOPPED";

/** A task ECS wants to keep running. */
export const isWanted = (task: Task) => isLive(task) && task.desiredStatus === "RUNNING";

/** A task that passes its health check and is not being stopped. */
export const isHealthy = (task: Task) =>
  isWanted(task) && task.lastStatus === "RUNNING" && task.healthStatus === "HEALTHY";

/** Resources left on an instance: registered minus what its live tasks reserve. */
export function remainingResources(instance: ContainerInstance, tasks: readonly Task[]): Resources {
  let { cpu, memory } = instance.resources;
  for (const task of tasks) {
    if (task.containerInstanceArn !== instance.containerInstanceArn || !isLive(task)) continue;
    cpu -= task.size.cpu;
    memory -= task.size.memory;
  }
  return { cpu, memory };
}
