/**
 * The simulation's fault knobs, each shown against a control that behaves: instances of an AMI
 * whose ECS agent never registers, tasks that never pass their health check on instances of an
 * AMI, and ECS throttling as the SDK sees it (ThrottlingException, retried by its standard mode).
 */
import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from "@aws-sdk/client-ecs";
import { Faults } from "../../../simulation/aws/faults";
import {
  awsSecondsPass,
  clientConfig,
  CLUSTER,
  createGroup,
  groupInstances,
  startEcsFixture,
  until,
  type EcsFixture,
} from "./simulation-fixture";

let fixture: EcsFixture;
afterEach(() => fixture?.aws.close());

const registeredIds = () => fixture.aws.ecs.scheduler.instances.map((i) => i.ec2InstanceId);

describe("fault knobs of the simulated AWS", () => {
  it("instances launched from a never-registering AMI never join the cluster; others do", async () => {
    fixture = await startEcsFixture({ faults: { neverRegister: ["ami-broken"] } });
    await createGroup(fixture, { name: "broken", imageId: "ami-broken" }, 1);
    await createGroup(fixture, { name: "good", imageId: "ami-good" }, 1);
    const [good] = await groupInstances(fixture, "good");
    await until("the good instance registers", () =>
      registeredIds().includes(good.InstanceId ?? ""),
    );
    await awsSecondsPass(fixture.aws, 100);
    const [broken] = await groupInstances(fixture, "broken");
    expect(registeredIds()).toEqual([good.InstanceId]);
    expect(fixture.aws.timeline.map((e) => e.event)).toContain(
      `${broken.InstanceId} booted from ami-broken; its ECS agent will never register`,
    );
  });

  it("a launch configuration can be named instead of an AMI", async () => {
    fixture = await startEcsFixture();
    fixture.aws.faults.neverRegister("broken-lc");
    await createGroup(fixture, { name: "broken", imageId: "ami-1" }, 1);
    await createGroup(fixture, { name: "good", imageId: "ami-1" }, 1);
    const [good] = await groupInstances(fixture, "good");
    await until("the good instance registers", () =>
      registeredIds().includes(good.InstanceId ?? ""),
    );
    await awsSecondsPass(fixture.aws, 100);
    expect(registeredIds()).toEqual([good.InstanceId]);
  });

  it("tasks on instances of a never-healthy AMI run but never become healthy or take traffic", async () => {
    fixture = await startEcsFixture({ faults: { neverHealthy: ["ami-sick"] } });
    fixture.register("i-sick", "us-east-1a", "ami-sick");
    fixture.register("i-well", "us-east-1b", "ami-well");
    // Spread: one task on each instance.
    fixture.aws.ecs.createService({ cluster: CLUSTER, serviceName: "web", desiredCount: 2 });
    await awsSecondsPass(fixture.aws, 200);
    const { taskArns = [] } = await fixture.ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    const { tasks = [] } = await fixture.ecs.send(
      new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }),
    );
    const byInstance = (id: string) =>
      fixture.aws.ecs.scheduler.tasks.filter((t) => t.ec2InstanceId === id);
    const health = (id: string) =>
      tasks
        .filter((t) => byInstance(id).some((mine) => mine.taskArn === t.taskArn))
        .map((t) => [t.lastStatus, t.healthStatus]);
    expect(health("i-sick")).toEqual([["RUNNING", "UNHEALTHY"]]);
    expect(health("i-well")).toEqual([["RUNNING", "HEALTHY"]]);
    expect(byInstance("i-sick").map((t) => t.registered)).toEqual([false]);
  });

  it("throttles the named ECS operations with ThrottlingException, HTTP 400", async () => {
    fixture = await startEcsFixture({
      faults: { throttleEcs: { operations: ["ListTasks"], fraction: 1 } },
    });
    const once = new ECSClient(clientConfig(fixture.aws, 1));
    await expect(once.send(new ListTasksCommand({ cluster: CLUSTER }))).rejects.toMatchObject({
      name: "ThrottlingException",
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
    await expect(
      once.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["web"] })),
    ).resolves.toMatchObject({ failures: [{ reason: "MISSING" }] });
    fixture.aws.faults.throttleEcs(undefined);
    await expect(once.send(new ListTasksCommand({ cluster: CLUSTER }))).resolves.toBeDefined();
  });

  it("throttles N calls in a row, which the SDK's standard retry rides out", async () => {
    fixture = await startEcsFixture();
    fixture.aws.faults.throttleEcs({ inARow: 2 });
    const answer = await fixture.ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    expect(answer.$metadata.attempts).toBe(3);
    expect(fixture.aws.faults.throttled.get("ListTasks")).toBe(2);
    const throttledCalls = fixture.aws.server.calls.filter(
      (c) => c.error === "ThrottlingException",
    );
    expect(throttledCalls.map((c) => [c.operation, c.statusCode])).toEqual([
      ["ListTasks", 400],
      ["ListTasks", 400],
    ]);
  }, 15_000);

  it("throttles a fraction of calls, the same ones again for the same seed", () => {
    const run = (seed: number) => {
      const faults = new Faults({ throttleEcs: { fraction: 0.25, seed } });
      return Array.from({ length: 400 }, () => {
        try {
          faults.checkEcsCall("DescribeTasks");
          return false;
        } catch {
          return true;
        }
      });
    };
    const first = run(7);
    const throttled = first.filter(Boolean).length;
    expect(throttled).toBeGreaterThan(60);
    expect(throttled).toBeLessThan(140);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
    expect(() => new Faults({ throttleEcs: { fraction: 2 } })).toThrow(
      "throttle fraction must be between 0 and 1, got 2",
    );
  });
});
