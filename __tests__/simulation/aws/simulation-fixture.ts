/**
 * A simulated AWS for the simulation's own tests, on a fast clock (one AWS second per real
 * millisecond by default): SDK client settings for its endpoint, a cluster, instances registered
 * straight with ECS (no Auto Scaling group), and a wait for a condition of the simulation.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  PutLifecycleHookCommand,
  UpdateAutoScalingGroupCommand,
  type Instance,
} from "@aws-sdk/client-auto-scaling";
import { CreateClusterCommand, ECSClient } from "@aws-sdk/client-ecs";
import { scaledClock } from "../../../simulation/clock";
import {
  startSimulation,
  type SimulatedAws,
  type SimulationOptions,
} from "../../../simulation/aws/simulation";

export const CLUSTER = "apps";

export interface EcsFixture {
  readonly aws: SimulatedAws;
  readonly ecs: ECSClient;
  readonly autoScaling: AutoScalingClient;
  /** Registers an EC2 instance with the cluster, as its agent would. */
  register(ec2InstanceId: string, availabilityZone: string, imageId?: string): string;
}

export function clientConfig(aws: SimulatedAws, maxAttempts = 3) {
  return {
    endpoint: aws.server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "offline", secretAccessKey: "offline" },
    maxAttempts,
  };
}

export async function startEcsFixture(
  options: Partial<SimulationOptions> & { msPerSecond?: number } = {},
): Promise<EcsFixture> {
  const aws = await startSimulation({
    registrationSeconds: 10,
    clock: scaledClock(options.msPerSecond ?? 1),
    ...options,
  });
  const ecs = new ECSClient(clientConfig(aws));
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  return {
    aws,
    ecs,
    autoScaling: new AutoScalingClient(clientConfig(aws)),
    register: (ec2InstanceId, availabilityZone, imageId = "ami-current") =>
      aws.ecs.register({
        cluster: CLUSTER,
        ec2InstanceId,
        region: "us-east-1",
        availabilityZone,
        instanceType: "t3.large",
        imageId,
      }).containerInstanceArn,
  };
}

/** Waits (real time) until `condition` holds; fails naming `what` after `ms`. */
export async function until(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets `awsSeconds` of AWS time pass. */
export async function awsSecondsPass(aws: SimulatedAws, awsSeconds: number): Promise<void> {
  const target = aws.clock.now() + awsSeconds * 1000;
  await until(`${awsSeconds} AWS seconds`, () => aws.clock.now() >= target, 60_000);
}

export interface GroupSettings {
  readonly name: string;
  readonly imageId: string;
  /** One subnet per Availability Zone. @default 2 */
  readonly zones?: number;
  /** Lifecycle hooks notifying `topicArn`, put before the group is sized (as the provider does). */
  readonly hooks?: {
    topicArn: string;
    heartbeatSeconds: number;
    transitions: ("LAUNCHING" | "TERMINATING")[];
  };
}

/**
 * An Auto Scaling group launching into the fixture's cluster (its user data names it), created
 * at size 0, given its hooks, then sized to `size`.
 */
export async function createGroup(
  fixture: EcsFixture,
  group: GroupSettings,
  size: number,
): Promise<void> {
  const { autoScaling } = fixture;
  await autoScaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: `${group.name}-lc`,
      ImageId: group.imageId,
      InstanceType: "t3.large",
      UserData: Buffer.from(
        `#!/bin/bash\necho ECS_CLUSTER=${CLUSTER} >> /etc/ecs/ecs.config\n`,
      ).toString("base64"),
    }),
  );
  await autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: group.name,
      LaunchConfigurationName: `${group.name}-lc`,
      MinSize: 0,
      MaxSize: 0,
      VPCZoneIdentifier: Array.from({ length: group.zones ?? 2 }, (_, i) => `subnet-${i}`).join(
        ",",
      ),
    }),
  );
  for (const transition of group.hooks?.transitions ?? []) {
    await autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: group.name,
        LifecycleHookName: transition.toLowerCase(),
        LifecycleTransition: `autoscaling:EC2_INSTANCE_${transition}`,
        NotificationTargetARN: group.hooks?.topicArn,
        HeartbeatTimeout: group.hooks?.heartbeatSeconds,
        DefaultResult: transition === "LAUNCHING" ? "ABANDON" : "CONTINUE",
      }),
    );
  }
  await resize(fixture, group.name, size);
}

export async function resize(fixture: EcsFixture, name: string, size: number): Promise<void> {
  await fixture.autoScaling.send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: size,
      MaxSize: size,
      DesiredCapacity: size,
    }),
  );
}

/** The group's instances as DescribeAutoScalingGroups lists them; none once it is gone. */
export async function groupInstances(fixture: EcsFixture, name: string): Promise<Instance[]> {
  const { AutoScalingGroups = [] } = await fixture.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
  );
  return AutoScalingGroups[0]?.Instances ?? [];
}
