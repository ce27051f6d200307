/**
 * The simulated ECS's services and tasks, driven through the SDK's own ECS client as the drain
 * function drives them: placement across Availability Zones, DRAINING within the deployment
 * configuration's bounds, the deregistration delay, and what the load balancer counts when an
 * instance dies with tasks still registered. AWS time runs at one second per real millisecond.
 */
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import type { Task } from "../../../simulation/aws/ecs-model";
import {
  awsSecondsPass,
  CLUSTER,
  groupInstances,
  startEcsFixture,
  until,
  type EcsFixture,
} from "./simulation-fixture";

let fixture: EcsFixture;
afterEach(() => fixture.aws.close());

const tasksOf = (service: string) =>
  fixture.aws.ecs.scheduler.tasks.filter((t) => t.serviceName === service);
const healthyOn = (service: string, instanceId: string) =>
  tasksOf(service).filter(
    (t) =>
      t.ec2InstanceId === instanceId &&
      t.healthStatus === "HEALTHY" &&
      t.desiredStatus === "RUNNING",
  );
const drain = (arn: string) =>
  fixture.ecs.send(
    new UpdateContainerInstancesStateCommand({
      cluster: CLUSTER,
      containerInstances: [arn],
      status: "DRAINING",
    }),
  );

/** A web service of `desiredCount` tasks, all healthy before the test goes on. */
async function webService(
  settings: { desiredCount?: number; minimumHealthyPercent?: number; maximumPercent?: number } = {},
) {
  const desiredCount = settings.desiredCount ?? 2;
  fixture.aws.ecs.createService({
    cluster: CLUSTER,
    serviceName: "web",
    desiredCount,
    healthCheckSeconds: 30,
    deregistrationDelaySeconds: 300,
    ...settings,
  });
  await until(
    "the service is healthy",
    () => tasksOf("web").filter((t) => t.healthStatus === "HEALTHY").length === desiredCount,
  );
}

describe("the simulated ECS service scheduler", () => {
  it("spreads a service's tasks across Availability Zones before instances", async () => {
    fixture = await startEcsFixture();
    fixture.register("i-a1", "us-east-1a");
    fixture.register("i-a2", "us-east-1a");
    fixture.register("i-b1", "us-east-1b");
    await webService({ desiredCount: 4 });
    const [traffic] = fixture.aws.traffic();
    expect(traffic.tasksByAz).toEqual({ "us-east-1a": 2, "us-east-1b": 2 });
    // Within us-east-1a, one task on each instance.
    expect(
      new Set(
        tasksOf("web")
          .filter((t) => t.availabilityZone === "us-east-1a")
          .map((t) => t.ec2InstanceId),
      ).size,
    ).toBe(2);
  });

  it("drains an instance by starting the replacement elsewhere first, then stopping the old task after the deregistration delay, dropping no request", async () => {
    fixture = await startEcsFixture();
    const old = fixture.register("i-old", "us-east-1a");
    fixture.register("i-other", "us-east-1b");
    await webService({ desiredCount: 2, minimumHealthyPercent: 100, maximumPercent: 200 });
    const [leaving] = tasksOf("web").filter((t) => t.ec2InstanceId === "i-old");

    const answer = await drain(old);
    expect(answer.containerInstances?.[0]).toMatchObject({
      status: "DRAINING",
      runningTasksCount: 1,
    });

    await until("the old task has stopped", () => leaving.lastStatus === "STOPPED");
    const replacement = healthyOn("web", "i-other").find(
      (t) => t.createdAt > leaving.createdAt,
    ) as Task;
    expect(replacement).toBeDefined();
    // The replacement was healthy before ECS began stopping the old task...
    expect(replacement.startedAt).toBeLessThan(leaving.stoppingAt as number);
    // ...which kept serving through the deregistration delay.
    expect((leaving.stoppedAt as number) - (leaving.stoppingAt as number)).toBeGreaterThanOrEqual(
      300_000,
    );
    const [traffic] = fixture.aws.traffic();
    expect(traffic).toMatchObject({ dropped: 0, minHealthy: 2, longestBelowDesiredSeconds: 0 });
    expect(traffic.sent).toBeGreaterThan(0);
  });

  it("shows a stopping task as desired STOPPED but still RUNNING through the deregistration delay", async () => {
    fixture = await startEcsFixture();
    const old = fixture.register("i-old", "us-east-1a");
    fixture.register("i-other", "us-east-1b");
    await webService({ desiredCount: 2 });
    const [leaving] = tasksOf("web").filter((t) => t.ec2InstanceId === "i-old");
    await drain(old);
    await until("ECS stops the old task", () => leaving.desiredStatus === "STOPPED");
    const { tasks } = await fixture.ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: [leaving.taskArn] }),
    );
    expect(tasks?.[0]).toMatchObject({
      lastStatus: "RUNNING",
      desiredStatus: "STOPPED",
      group: "service:web",
    });
    const listed = await fixture.ecs.send(
      new ListTasksCommand({ cluster: CLUSTER, containerInstance: old, desiredStatus: "STOPPED" }),
    );
    expect(listed.taskArns).toEqual([leaving.taskArn]);
    const { containerInstances } = await fixture.ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [old] }),
    );
    // A task ECS is stopping no longer counts as running there.
    expect(containerInstances?.[0]).toMatchObject({ runningTasksCount: 0, pendingTasksCount: 0 });
  });

  it("cannot drain a service at minimumHealthyPercent 100 and maximumPercent 100: its tasks stay", async () => {
    fixture = await startEcsFixture();
    const old = fixture.register("i-old", "us-east-1a");
    fixture.register("i-other", "us-east-1b");
    await webService({ desiredCount: 2, minimumHealthyPercent: 100, maximumPercent: 100 });
    await drain(old);
    await awsSecondsPass(fixture.aws, 1000);
    expect(
      tasksOf("web")
        .map((t) => [t.ec2InstanceId, t.desiredStatus, t.lastStatus])
        .sort(),
    ).toEqual([
      ["i-old", "RUNNING", "RUNNING"],
      ["i-other", "RUNNING", "RUNNING"],
    ]);
    const { services } = await fixture.ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER, services: ["web"] }),
    );
    expect(services?.[0]).toMatchObject({
      desiredCount: 2,
      runningCount: 2,
      schedulingStrategy: "REPLICA",
    });
  });

  it("at minimumHealthyPercent 50 and maximumPercent 100 stops the old task first, then replaces it", async () => {
    fixture = await startEcsFixture();
    const old = fixture.register("i-old", "us-east-1a");
    fixture.register("i-other", "us-east-1b");
    await webService({ desiredCount: 2, minimumHealthyPercent: 50, maximumPercent: 100 });
    const [leaving] = tasksOf("web").filter((t) => t.ec2InstanceId === "i-old");
    // The replacement is the task that was not there before the drain (the two first tasks'
    // createdAt differ by however long the scheduler took between them, so time cannot say).
    const before = new Set(tasksOf("web"));
    await drain(old);
    await until("a replacement is healthy", () => healthyOn("web", "i-other").length === 2);
    const replacement = healthyOn("web", "i-other").find((t) => !before.has(t)) as Task;
    expect(replacement.createdAt).toBeGreaterThanOrEqual(leaving.stoppedAt as number);
    const [traffic] = fixture.aws.traffic();
    expect(traffic.minHealthy).toBe(1);
    expect(traffic.longestBelowDesiredSeconds).toBeGreaterThanOrEqual(300);
    expect(traffic.dropped).toBe(0);
  });

  it("counts the requests in flight as dropped when an instance terminates with tasks still registered, and replaces its tasks", async () => {
    fixture = await startEcsFixture();
    fixture.register("i-doomed", "us-east-1a");
    fixture.register("i-other", "us-east-1b");
    await webService({ desiredCount: 2 });
    await awsSecondsPass(fixture.aws, 10);
    fixture.aws.ecs.deregister("i-doomed");
    const [traffic] = fixture.aws.traffic();
    expect(traffic.dropped).toBeGreaterThan(0);
    expect(
      fixture.aws.timeline.some((e) =>
        /requests dropped, task \w+ killed while registered/.test(e.event),
      ),
    ).toBe(true);
    await until(
      "the service is back to 2 healthy tasks",
      () => healthyOn("web", "i-other").length === 2,
    );
    const [after] = fixture.aws.traffic();
    expect(after.minHealthy).toBe(1);
    expect(fixture.aws.timeline.some((e) => /service web back to desired/.test(e.event))).toBe(
      true,
    );
  });

  it("drops every request while a service has no healthy target", async () => {
    fixture = await startEcsFixture();
    fixture.register("i-only", "us-east-1a");
    await webService({ desiredCount: 1 });
    fixture.aws.ecs.deregister("i-only");
    const before = fixture.aws.traffic()[0];
    await awsSecondsPass(fixture.aws, 100);
    const after = fixture.aws.traffic()[0];
    // 10 requests per AWS second, all dropped: no instance is left to run a replacement.
    expect(after.dropped - before.dropped).toBeGreaterThanOrEqual(1000);
    expect(after.dropped - before.dropped).toBe(after.sent - before.sent);
  });

  it("leaves standalone tasks and daemon tasks on a draining instance", async () => {
    fixture = await startEcsFixture();
    const old = fixture.register("i-old", "us-east-1a");
    fixture.register("i-other", "us-east-1b");
    fixture.aws.ecs.createService({
      cluster: CLUSTER,
      serviceName: "agent",
      desiredCount: 0,
      schedulingStrategy: "DAEMON",
    });
    const standalone = fixture.aws.ecs.runTask("i-old", "migrate");
    await until("a daemon task on each instance", () => tasksOf("agent").length === 2);
    await drain(old);
    await awsSecondsPass(fixture.aws, 600);
    expect(standalone).toMatchObject({ desiredStatus: "RUNNING", lastStatus: "RUNNING" });
    expect(tasksOf("agent").filter((t) => t.ec2InstanceId === "i-old")).toEqual([
      expect.objectContaining({ desiredStatus: "RUNNING" }),
    ]);
    const { services } = await fixture.ecs.send(
      new DescribeServicesCommand({ cluster: CLUSTER, services: ["agent", "missing"] }),
    );
    expect(services?.[0].schedulingStrategy).toBe("DAEMON");
    expect(
      (
        await fixture.ecs.send(
          new DescribeServicesCommand({ cluster: CLUSTER, services: ["missing"] }),
        )
      ).failures?.[0].reason,
    ).toBe("MISSING");
  });

  it("places no task on an instance without room, and none on a DRAINING one", async () => {
    fixture = await startEcsFixture();
    const small = fixture.register("i-small", "us-east-1a");
    await drain(fixture.register("i-drained", "us-east-1b"));
    fixture.aws.ecs.createService({
      cluster: CLUSTER,
      serviceName: "big",
      desiredCount: 3,
      taskSize: { cpu: 1024, memory: 3000 },
    });
    await awsSecondsPass(fixture.aws, 100);
    // t3.large registers 2048 CPU units: two tasks of 1024 fit, the third does not.
    expect(tasksOf("big").map((t) => t.ec2InstanceId)).toEqual(["i-small", "i-small"]);
    const { containerInstances } = await fixture.ecs.send(
      new DescribeContainerInstancesCommand({
        cluster: CLUSTER,
        containerInstances: [small.split("/").at(-1) ?? ""],
      }),
    );
    expect(
      containerInstances?.[0].remainingResources?.find((r) => r.name === "CPU")?.integerValue,
    ).toBe(0);
  });

  it("lists container instances by status and ec2InstanceId, and tasks a page at a time", async () => {
    fixture = await startEcsFixture();
    const a = fixture.register("i-a", "us-east-1a");
    const b = fixture.register("i-b", "us-east-1b");
    await webService({ desiredCount: 3 });
    const listed: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await fixture.ecs.send(
        new ListTasksCommand({ cluster: CLUSTER, maxResults: 2, nextToken }),
      );
      expect(page.taskArns?.length).toBeLessThanOrEqual(2);
      listed.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(listed.sort()).toEqual(
      tasksOf("web")
        .map((t) => t.taskArn)
        .sort(),
    );
    await drain(a);
    const active = await fixture.ecs.send(
      new ListContainerInstancesCommand({ cluster: CLUSTER, status: "ACTIVE" }),
    );
    expect(active.containerInstanceArns).toEqual([b]);
    const byId = await fixture.ecs.send(
      new ListContainerInstancesCommand({ cluster: CLUSTER, filter: "ec2InstanceId == i-a" }),
    );
    expect(byId.containerInstanceArns).toEqual([a]);
  });
});

describe("an adopted group (the start state of a first rollout after adoption)", () => {
  it("has its instances InService and registered at once, and takes the service's tasks", async () => {
    fixture = await startEcsFixture();
    const adopted = fixture.aws.adoptGroup({
      AutoScalingGroupName: "hand-made",
      LaunchConfigurationName: "hand-made-lc",
      ImageId: "ami-old",
      InstanceType: "t3.large",
      UserData: Buffer.from(`ECS_CLUSTER=${CLUSTER}`).toString("base64"),
      VPCZoneIdentifier: "subnet-a,subnet-b",
      size: 2,
    });
    const ids = adopted.map((i) => i.InstanceId);
    expect(
      (await groupInstances(fixture, "hand-made")).map((i) => [i.InstanceId, i.LifecycleState]),
    ).toEqual(ids.map((id) => [id, "InService"]));
    expect(
      fixture.aws.ecs.scheduler.instances.map((i) => [i.ec2InstanceId, i.availabilityZone]),
    ).toEqual([
      [ids[0], "us-east-1a"],
      [ids[1], "us-east-1b"],
    ]);
    await webService({ desiredCount: 2 });
    expect(new Set(tasksOf("web").map((t) => t.ec2InstanceId))).toEqual(new Set(ids));
  });
});
