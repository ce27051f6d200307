/**
 * The delete path the provider takes when it destroys a group, against the simulated AWS as AWS
 * answers it: scale to zero with each instance held by the termination hook (heartbeats extend
 * the hold), DeleteAutoScalingGroup refused while instances remain or are still terminating,
 * then the group, hooks and launch configuration gone; and a cluster that keeps services.
 */
import {
  CompleteLifecycleActionCommand,
  DeleteAutoScalingGroupCommand,
  DeleteLaunchConfigurationCommand,
  DeleteLifecycleHookCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  DescribeLifecycleHooksCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import { DeleteClusterCommand } from "@aws-sdk/client-ecs";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  clientConfig,
  CLUSTER,
  createGroup,
  groupInstances,
  resize,
  startEcsFixture,
  until,
  type EcsFixture,
} from "./simulation-fixture";

let fixture: EcsFixture;
afterEach(() => fixture.aws.close());

const events = () => fixture.aws.timeline.map((e) => e.event);
const eventAt = (pattern: RegExp) => fixture.aws.timeline.find((e) => pattern.test(e.event))?.at;

async function groupWithTerminationHook(heartbeatSeconds: number): Promise<string> {
  const topicArn =
    (await new SNSClient(clientConfig(fixture.aws)).send(new CreateTopicCommand({ Name: "drain" })))
      .TopicArn ?? "";
  await createGroup(
    fixture,
    {
      name: "g",
      imageId: "ami-1",
      hooks: { topicArn, heartbeatSeconds, transitions: ["TERMINATING"] },
    },
    1,
  );
  await until("the instance is in service", () => events().some((e) => / InService in g$/.test(e)));
  const [instance] = await groupInstances(fixture, "g");
  return instance.InstanceId ?? "";
}

const deleteGroup = (force = false) =>
  fixture.autoScaling.send(
    new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: "g", ForceDelete: force }),
  );

describe("the provider's delete path in the simulated Auto Scaling", () => {
  it("refuses to delete a group with instances, then one still terminating, then deletes it", async () => {
    fixture = await startEcsFixture();
    const id = await groupWithTerminationHook(600);
    // The wire code is AWS's ResourceInUse, which the SDK models as ResourceInUseFault.
    await expect(deleteGroup()).rejects.toMatchObject({ name: "ResourceInUseFault" });

    await resize(fixture, "g", 0);
    await until("the instance waits on its hook", () =>
      events().includes(`${id} Terminating:Wait (terminating)`),
    );
    await expect(deleteGroup()).rejects.toMatchObject({
      name: "ScalingActivityInProgressFault",
    });
    const { LifecycleHooks = [] } = await fixture.autoScaling.send(
      new DescribeLifecycleHooksCommand({ AutoScalingGroupName: "g" }),
    );
    expect(
      LifecycleHooks.map((h) => [h.LifecycleHookName, h.HeartbeatTimeout, h.GlobalTimeout]),
    ).toEqual([["terminating", 600, 60_000]]);
    await expect(
      fixture.autoScaling.send(
        new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: "g-lc" }),
      ),
    ).rejects.toMatchObject({ name: "ResourceInUseFault" });

    await fixture.autoScaling.send(
      new CompleteLifecycleActionCommand({
        AutoScalingGroupName: "g",
        LifecycleHookName: "terminating",
        InstanceId: id,
        LifecycleActionResult: "CONTINUE",
      }),
    );
    expect(await groupInstances(fixture, "g")).toEqual([]);
    await fixture.autoScaling.send(
      new DeleteLifecycleHookCommand({
        AutoScalingGroupName: "g",
        LifecycleHookName: "terminating",
      }),
    );
    await deleteGroup();
    const { AutoScalingGroups } = await fixture.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ["g"] }),
    );
    expect(AutoScalingGroups).toEqual([]);
    await fixture.autoScaling.send(
      new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: "g-lc" }),
    );
    const { LaunchConfigurations } = await fixture.autoScaling.send(
      new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ["g-lc"] }),
    );
    expect(LaunchConfigurations).toEqual([]);
    expect(events()).toEqual(
      expect.arrayContaining(["group g created", "group g deleted", `${id} terminated`]),
    );
    expect(fixture.aws.ecs.scheduler.instances).toEqual([]);
  });

  it("ForceDelete ends the group's instances at once, and their container instances", async () => {
    fixture = await startEcsFixture();
    const id = await groupWithTerminationHook(600);
    await until("the instance registers", () => fixture.aws.ecs.scheduler.instances.length === 1);
    await deleteGroup(true);
    expect(events()).toContain(`${id} terminated (group force-deleted)`);
    expect(fixture.aws.ecs.scheduler.instances).toEqual([]);
    expect(await groupInstances(fixture, "g")).toEqual([]);
  });

  it("a heartbeat restarts the termination hook's timeout", async () => {
    // Ten real milliseconds per AWS second: room for the heartbeat call inside the timeout.
    fixture = await startEcsFixture({ msPerSecond: 10 });
    const id = await groupWithTerminationHook(60);
    await resize(fixture, "g", 0);
    await until("the instance waits on its hook", () =>
      events().includes(`${id} Terminating:Wait (terminating)`),
    );
    const waiting = fixture.aws.timeline.find((e) => /Terminating:Wait/.test(e.event));
    const waitingAt = waiting?.at as number;
    await until(
      "40 AWS seconds",
      () => fixture.aws.clock.now() >= (waiting?.awsTime as number) + 40_000,
      10_000,
    );
    await fixture.autoScaling.send(
      new RecordLifecycleActionHeartbeatCommand({
        AutoScalingGroupName: "g",
        LifecycleHookName: "terminating",
        InstanceId: id,
      }),
    );
    await until(
      "the hook times out",
      () => events().some((e) => /timed out: CONTINUE/.test(e)),
      10_000,
    );
    // Without the heartbeat it would have timed out 60 AWS seconds after the wait began.
    expect((eventAt(/timed out: CONTINUE/) as number) - waitingAt).toBeGreaterThanOrEqual(100_000);
  }, 20_000);

  it("refuses to delete a cluster that still has a service, as ECS does", async () => {
    fixture = await startEcsFixture();
    fixture.aws.ecs.createService({ cluster: CLUSTER, serviceName: "web", desiredCount: 0 });
    await expect(
      fixture.ecs.send(new DeleteClusterCommand({ cluster: CLUSTER })),
    ).rejects.toMatchObject({
      name: "ClusterContainsServicesException",
    });
    fixture.aws.ecs.deleteService(CLUSTER, "web");
    await expect(
      fixture.ecs.send(new DeleteClusterCommand({ cluster: CLUSTER })),
    ).resolves.toMatchObject({
      cluster: { status: "INACTIVE" },
    });
  });
});
