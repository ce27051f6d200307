import { createServer } from "node:net";
import type { Context, SNSEvent } from "aws-lambda";
import { COMMITTED_AMI, NEW_AMI } from "../../../simulation/amis";
import type { ContainerInstance } from "../../../simulation/aws/ecs-model";
import type { RecordedCall } from "../../../simulation/aws/server";
import type { SimulatedService } from "../../../simulation/aws/service";
import { snsEvent, startSimulation, type SimulatedAws } from "../../../simulation/aws/simulation";
import { virtualClock, type VirtualClock } from "../../../simulation/clock";

/**
 * The drain function's exported handler exactly as Lambda loads it, against the simulated AWS
 * (`AWS_ENDPOINT_URL`), for scenario tests in real time with short bounds. The simulation runs
 * on a virtual clock that stands still while the handler runs: ECS and Auto Scaling act on the
 * cluster only when a test moves that clock (a replacement passing its health check, a
 * deregistration delay ending) or acts itself, at a moment of the function's conversation
 * (`aws.server.onCall`).
 */

/** Time before the notification for the seeded tasks to start and pass their health checks. */
const SETUP_MS = 10 * 60_000;
const TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";

export interface ClusterOptions {
  readonly cluster: string;
  /** The group of the instance that terminates, and its termination hook. */
  readonly group: string;
  readonly hookName: string;
  /** The hook's NotificationMetadata. @default none */
  readonly metadata?: string;
  /** Seeds the instance with services and tasks while it is the cluster's only instance. */
  readonly seed?: (aws: SimulatedAws, instance: ContainerInstance) => void;
  /**
   * The other instance, of a new group: InService, still held by its launch hook in
   * Pending:Wait, or terminating in Terminating:Wait (registered with ECS, ACTIVE, all the
   * same). @default "InService"
   */
  readonly capacity?: "InService" | "Pending:Wait" | "Terminating:Wait";
  /** Whether the instance is terminating (its hook notified). @default true */
  readonly terminating?: boolean;
}

export interface SimulatedCluster {
  readonly aws: SimulatedAws;
  readonly clock: VirtualClock;
  readonly instanceId: string;
  readonly instance: ContainerInstance;
  readonly capacityInstanceId: string;
  readonly capacityGroup: string;
  /** The termination hook's notification (when terminating). */
  readonly notification: string;
  /** The launch hook's notification of the other instance (when it is in Pending:Wait). */
  readonly launchNotification: string;
  /** Every call the function made, in order. */
  calls(): readonly RecordedCall[];
  operations(): string[];
  /** What the function published to the topic, with its message attributes' values by name. */
  published(): { message: string; subject?: string; attributes: Record<string, string> }[];
  /** Sets the instance DRAINING, as a duplicate delivery or an operator would have. */
  setDraining(): void;
  /** A group of one instance InService and registered with the cluster; its instance's id. */
  addGroup(name: string): string;
  /** An SNS delivery of `message` with `attributes`, as Lambda receives it. */
  delivered(message: string, attributes?: Record<string, string>): SNSEvent;
}

type Handler = (event: SNSEvent, context: Context) => Promise<void>;

/**
 * For one test file: the exported handler, loaded with `environment` and `AWS_ENDPOINT_URL`
 * pointing at the simulated AWS, and `cluster()` to start each test's simulation on that
 * endpoint (closed after the test). beforeAll/afterAll put back exactly the variables they set.
 */
export function drainFunctionOnSimulatedAws(environment: Readonly<Record<string, string>>): {
  handler: Handler;
  cluster(options: ClusterOptions): Promise<SimulatedCluster>;
} {
  const saved = { ...process.env };
  let port: number;
  let loaded: Handler;
  let running: SimulatedAws | undefined;
  beforeAll(async () => {
    port = await freePort();
    Object.assign(process.env, environment, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    ({ handler: loaded } = await import("../../../lambda/instance-drain/index"));
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(() => {
    for (const name of [...Object.keys(environment), "AWS_ENDPOINT_URL"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  return {
    handler: (event, context) => loaded(event, context),
    cluster: async (options) => {
      const cluster = await simulatedCluster(options, port);
      running = cluster.aws;
      return cluster;
    },
  };
}

async function simulatedCluster(options: ClusterOptions, port: number): Promise<SimulatedCluster> {
  const { cluster, group, hookName, capacity = "InService", terminating = true } = options;
  const notifiedAt = Date.now();
  const clock = virtualClock(notifiedAt - SETUP_MS);
  const aws = await startSimulation({ clock, registrationSeconds: 10, port });
  const call = (service: SimulatedService, operation: string, params: Record<string, unknown>) =>
    service.handle({ operation, params, region: "us-east-1", method: "POST", path: "/" });
  const { TopicArn: topicArn } = call(aws.sns, "CreateTopic", { Name: "drain" }) as {
    TopicArn: string;
  };
  call(aws.ecs, "CreateCluster", { clusterName: cluster });
  const groupOf = (name: string, imageId: string) => ({
    AutoScalingGroupName: name,
    LaunchConfigurationName: `${name}-lc`,
    ImageId: imageId,
    InstanceType: "t3.large",
    UserData: Buffer.from(`echo ECS_CLUSTER=${cluster} >> /etc/ecs/ecs.config\n`).toString(
      "base64",
    ),
    VPCZoneIdentifier: "subnet-0a1b2c3d4e5f60718",
  });
  const [leaving] = aws.adoptGroup({ ...groupOf(group, COMMITTED_AMI), size: 1 });
  const instanceOf = (id: string) =>
    aws.ecs.scheduler.instances.find((i) => i.ec2InstanceId === id) as ContainerInstance;
  const instance = instanceOf(leaving.InstanceId);
  options.seed?.(aws, instance);
  clock.advance(60_000);

  const capacityGroup = `${cluster}-new`;
  if (capacity !== "Pending:Wait") {
    aws.adoptGroup({ ...groupOf(capacityGroup, NEW_AMI), size: 1 });
  } else {
    const settings = groupOf(capacityGroup, NEW_AMI);
    call(aws.autoScaling, "CreateLaunchConfiguration", {
      LaunchConfigurationName: settings.LaunchConfigurationName,
      ImageId: settings.ImageId,
      InstanceType: settings.InstanceType,
      UserData: settings.UserData,
    });
    call(aws.autoScaling, "CreateAutoScalingGroup", {
      AutoScalingGroupName: capacityGroup,
      LaunchConfigurationName: settings.LaunchConfigurationName,
      MinSize: "0",
      MaxSize: "1",
      VPCZoneIdentifier: settings.VPCZoneIdentifier,
    });
    call(aws.autoScaling, "PutLifecycleHook", {
      AutoScalingGroupName: capacityGroup,
      LifecycleHookName: "admit",
      LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
      NotificationTargetARN: topicArn,
      HeartbeatTimeout: "3600",
      DefaultResult: "ABANDON",
    });
    call(aws.autoScaling, "UpdateAutoScalingGroup", {
      AutoScalingGroupName: capacityGroup,
      DesiredCapacity: "1",
    });
  }
  clock.advanceTo(notifiedAt);
  const terminate = (name: string, hookName: string, metadata?: string) => {
    call(aws.autoScaling, "PutLifecycleHook", {
      AutoScalingGroupName: name,
      LifecycleHookName: hookName,
      LifecycleTransition: TERMINATING,
      NotificationTargetARN: topicArn,
      HeartbeatTimeout: "3600",
      DefaultResult: "CONTINUE",
      ...(metadata ? { NotificationMetadata: metadata } : {}),
    });
    call(aws.autoScaling, "UpdateAutoScalingGroup", {
      AutoScalingGroupName: name,
      MinSize: "0",
      DesiredCapacity: "0",
    });
  };
  if (capacity === "Terminating:Wait") terminate(capacityGroup, "drain");
  const capacityInstanceId = aws.autoScaling.groups.get(capacityGroup)?.instances[0]
    ?.InstanceId as string;

  if (terminating) terminate(group, hookName, options.metadata);
  const notificationCount = aws.sns.published.length;
  const notificationOf = (instanceId: string) =>
    aws.sns.published.find(({ message }) => JSON.parse(message).EC2InstanceId === instanceId)
      ?.message ?? "";
  return {
    aws,
    clock,
    instanceId: leaving.InstanceId,
    instance,
    capacityInstanceId,
    capacityGroup,
    notification: notificationOf(leaving.InstanceId),
    launchNotification: notificationOf(capacityInstanceId),
    calls: () => aws.server.calls,
    operations: () => aws.server.calls.map(({ operation }) => operation),
    published: () =>
      aws.sns.published.slice(notificationCount).map(({ message, subject, attributes }) => ({
        message,
        subject,
        attributes: Object.fromEntries(
          Object.entries(attributes).map(([name, { Value }]) => [name, Value]),
        ),
      })),
    setDraining: () => aws.ecs.scheduler.setStatus(instance, "DRAINING"),
    addGroup: (name) => aws.adoptGroup({ ...groupOf(name, NEW_AMI), size: 1 })[0].InstanceId,
    delivered: (message, attributes = {}) =>
      snsEvent(
        {
          topicArn,
          message,
          attributes: Object.fromEntries(
            Object.entries(attributes).map(([name, Value]) => [name, { Type: "Number", Value }]),
          ),
        },
        Date.now(),
      ),
  };
}

/** A loopback port free now, so every simulation of a file can serve on one endpoint. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
