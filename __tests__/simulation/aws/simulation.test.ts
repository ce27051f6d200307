/**
 * The simulated AWS's lifecycle hooks, driven by the AWS SDK's own Auto Scaling client over the
 * wire (so the query protocol's encoding is the SDK's): a launched instance waits in
 * Pending:Wait and notifies the hook's topic, CompleteLifecycleAction admits it, and a hook left
 * alone ends with its default result at the heartbeat timeout. Fast: AWS time runs at 1 ms a second.
 */
import {
  AutoScalingClient,
  CompleteLifecycleActionCommand,
  CreateAutoScalingGroupCommand,
  CreateLaunchConfigurationCommand,
  DescribeAutoScalingGroupsCommand,
  PutLifecycleHookCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { SNSClient, CreateTopicCommand } from "@aws-sdk/client-sns";
import { startSimulation, type SimulatedAws } from "../../../simulation/aws/simulation";
import { unfold } from "../../../simulation/aws/wire";

const until = async (condition: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe("the simulated AWS", () => {
  let aws: SimulatedAws;
  let autoScaling: AutoScalingClient;
  let topicArn: string;
  const config = () => ({
    endpoint: aws.server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "offline", secretAccessKey: "offline" },
  });

  beforeEach(async () => {
    aws = await startSimulation({ msPerSecond: 1, registrationSeconds: 10_000 });
    autoScaling = new AutoScalingClient(config());
    topicArn =
      (await new SNSClient(config()).send(new CreateTopicCommand({ Name: "drain" }))).TopicArn ??
      "";
    await autoScaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: "lc",
        ImageId: "ami-1",
        InstanceType: "t3.large",
      }),
    );
    // As the provider does it: size 0, hooks, then the size.
    await autoScaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: "g",
        LaunchConfigurationName: "lc",
        MinSize: 0,
        MaxSize: 0,
        VPCZoneIdentifier: "subnet-1",
      }),
    );
    await autoScaling.send(
      new PutLifecycleHookCommand({
        AutoScalingGroupName: "g",
        LifecycleHookName: "await",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        NotificationTargetARN: topicArn,
        HeartbeatTimeout: 60,
        DefaultResult: "ABANDON",
      }),
    );
  });
  afterEach(() => aws.close());

  const instances = async () =>
    (await autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["g"] })))
      .AutoScalingGroups?.[0]?.Instances ?? [];

  it("holds a launched instance in Pending:Wait until CompleteLifecycleAction admits it", async () => {
    const notified: string[] = [];
    aws.sns.deliver = (_fn, { message }) => notified.push(message);
    aws.sns.handle({
      operation: "Subscribe",
      params: { TopicArn: topicArn, Protocol: "lambda", Endpoint: "arn:fn" },
      region: "us-east-1",
      method: "POST",
      path: "/",
    });
    await autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "g",
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
      }),
    );
    await until(() => notified.length === 1);
    const [instance] = await instances();
    expect(instance.LifecycleState).toBe("Pending:Wait");
    expect(JSON.parse(notified[0])).toMatchObject({
      EC2InstanceId: instance.InstanceId,
      LifecycleHookName: "await",
    });
    await autoScaling.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: "g",
        LifecycleHookName: "await",
        InstanceId: instance.InstanceId,
        LifecycleActionResult: "CONTINUE",
      }),
    );
    expect((await instances()).map((i) => i.LifecycleState)).toEqual(["InService"]);
  });

  it("ends an unanswered launch hook with its default result (ABANDON terminates the instance)", async () => {
    await autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "g",
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
      }),
    );
    await until(() => aws.timeline.some((e) => / timed out: ABANDON$/.test(e.event)));
    await until(() => aws.timeline.some((e) => / terminated$/.test(e.event)));
    expect(aws.timeline.some((e) => / InService /.test(e.event))).toBe(false);
  });

  it("answers completing an action that is no longer active with AWS's ValidationError", async () => {
    await autoScaling.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: "g",
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
      }),
    );
    await until(() => aws.timeline.some((e) => /Pending:Wait/.test(e.event)));
    const [instance] = await instances();
    const complete = () =>
      autoScaling.send(
        new CompleteLifecycleActionCommand({
          AutoScalingGroupName: "g",
          LifecycleHookName: "await",
          InstanceId: instance.InstanceId,
          LifecycleActionResult: "CONTINUE",
        }),
      );
    await complete();
    await expect(complete()).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringContaining("No active Lifecycle Action found"),
    });
  });
});

describe("unfold (the query protocol's flattened names)", () => {
  it.each([
    [
      { "Tags.member.1.Key": "a", "Tags.member.2.Key": "b" },
      { Tags: [{ Key: "a" }, { Key: "b" }] },
    ],
    [{ "ImageId.1": "ami-1" }, { ImageId: ["ami-1"] }],
    [
      { "Attributes.entry.1.key": "Policy", "Attributes.entry.1.value": "{}" },
      { Attributes: [{ key: "Policy", value: "{}" }] },
    ],
  ])("%j", (flat, nested) => {
    expect(unfold(flat)).toEqual(nested);
  });
});
