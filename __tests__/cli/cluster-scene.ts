/**
 * A cluster as the CLI tests describe it (instances, services, task placements) and the answers
 * ECS and Auto Scaling give about it, shared by the SDK-mock tests and the HTTP stand-in.
 */

export const ACCOUNT = "123456789012";

export interface SceneInstance {
  readonly id: string;
  readonly ami: string;
  readonly az: string;
  readonly status?: string;
  readonly tasks?: number;
  readonly asg?: string;
}

export interface SceneService {
  readonly name: string;
  readonly desired: number;
  readonly running: number;
  /** Number of deployments (2 while one is rolling out). */
  readonly deployments?: number;
  /** Instance ids of its running tasks, for `balance check`. */
  readonly taskOn?: readonly string[];
}

export interface Scene {
  readonly cluster: string;
  readonly region?: string;
  readonly instances: readonly SceneInstance[];
  readonly services: readonly SceneService[];
}

const region = (scene: Scene) => scene.region ?? "us-east-1";
const instanceArn = (scene: Scene, id: string) =>
  `arn:aws:ecs:${region(scene)}:${ACCOUNT}:container-instance/${scene.cluster}/${id.slice(2)}`;
const serviceArn = (scene: Scene, name: string) =>
  `arn:aws:ecs:${region(scene)}:${ACCOUNT}:service/${scene.cluster}/${name}`;
const taskArn = (scene: Scene, service: string, i: number) =>
  `arn:aws:ecs:${region(scene)}:${ACCOUNT}:task/${scene.cluster}/${service}${i}`;

type Input = Record<string, unknown>;

/** The answer of each ECS and Auto Scaling operation the CLI calls, for `scene`. */
export function sceneAnswer(scene: Scene, operation: string, input: Input): object {
  const byArn = new Map(scene.instances.map((i) => [instanceArn(scene, i.id), i]));
  const services = new Map(scene.services.map((s) => [serviceArn(scene, s.name), s]));
  const tasks = scene.services.flatMap((s) =>
    (s.taskOn ?? []).map((id, i) => ({ arn: taskArn(scene, s.name, i), service: s, id })),
  );
  switch (operation) {
    case "DescribeClusters":
      return { clusters: [{ clusterName: scene.cluster, status: "ACTIVE" }], failures: [] };
    case "ListContainerInstances":
      return { containerInstanceArns: [...byArn.keys()] };
    case "DescribeContainerInstances":
      return {
        containerInstances: (input.containerInstances as string[]).map((arn) => {
          const i = byArn.get(arn)!;
          return {
            containerInstanceArn: arn,
            ec2InstanceId: i.id,
            status: i.status ?? "ACTIVE",
            agentConnected: true,
            runningTasksCount: i.tasks ?? 0,
            pendingTasksCount: 0,
            attributes: [
              { name: "ecs.ami-id", value: i.ami },
              { name: "ecs.availability-zone", value: i.az },
            ],
          };
        }),
        failures: [],
      };
    case "ListServices":
      return { serviceArns: [...services.keys()] };
    case "DescribeServices":
      return {
        services: (input.services as string[]).map((arn) => {
          const s = services.get(arn)!;
          const deployments = Array.from({ length: s.deployments ?? 1 }, (_, i) => ({
            status: i === 0 ? "PRIMARY" : "ACTIVE",
            rolloutState: (s.deployments ?? 1) > 1 && i === 0 ? "IN_PROGRESS" : "COMPLETED",
          }));
          return {
            serviceArn: arn,
            serviceName: s.name,
            desiredCount: s.desired,
            runningCount: s.running,
            deployments,
          };
        }),
        failures: [],
      };
    case "ListTasks":
      return {
        taskArns: tasks.filter((t) => t.service.name === input.serviceName).map((t) => t.arn),
      };
    case "DescribeTasks":
      return {
        tasks: tasks
          .filter((t) => (input.tasks as string[]).includes(t.arn))
          .map((t) => ({
            taskArn: t.arn,
            lastStatus: "RUNNING",
            containerInstanceArn: instanceArn(scene, t.id),
            availabilityZone: scene.instances.find((i) => i.id === t.id)?.az,
          })),
        failures: [],
      };
    case "UpdateService":
      return { service: { serviceName: input.service } };
    case "DescribeAutoScalingInstances":
      return {
        AutoScalingInstances: scene.instances
          .filter((i) => i.asg !== undefined && (input.InstanceIds as string[]).includes(i.id))
          .map((i) => ({ InstanceId: i.id, AutoScalingGroupName: i.asg })),
      };
    default:
      throw new Error(`the scene has no answer for ${operation}`);
  }
}
