import type { Context } from "aws-lambda";
import type { SimulatedAws } from "../../../simulation/aws/simulation";
import type { ContainerInstance } from "../../../simulation/aws/ecs-model";
import { ASG_NAME, HOOK_NAME } from "../../../simulation/drain-fixtures";
import { drainFunctionOnSimulatedAws, type SimulatedCluster } from "./simulated-cluster";

/**
 * Issue 16 §1 and §2, as scenarios of the exported handler against the simulated AWS (real
 * SDK clients, real wire protocols, real time with a 0.2 s drain timeout and 20 ms polls):
 * what happens at the drain deadline to the tasks of a service and to standalone tasks, and
 * which new instances count as somewhere to drain to.
 */

const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local",
  CLUSTER_NAME: "apps-staging",
  POLL_SECONDS: "0.02",
  MAX_DRAIN_SECONDS: "0.2",
};
const { handler, cluster } = drainFunctionOnSimulatedAws(ENVIRONMENT);
let aws: SimulatedCluster;

/** The staging cluster with the terminating instance running `seed`'s tasks. */
const clusterRunning = (
  seed: (aws: SimulatedAws, instance: ContainerInstance) => void,
  capacity: "InService" | "Pending:Wait" = "InService",
) => cluster({ cluster: "apps-staging", group: ASG_NAME, hookName: HOOK_NAME, seed, capacity });

/** Services (REPLICA unless named in `daemons`) with one task each on the instance. */
const services =
  (names: string[], daemons: string[] = []) =>
  (sim: SimulatedAws) => {
    for (const serviceName of names) {
      sim.ecs.createService({
        cluster: "apps-staging",
        serviceName,
        desiredCount: 1,
        schedulingStrategy: daemons.includes(serviceName) ? "DAEMON" : "REPLICA",
      });
    }
  };

/** A standalone task (RunTask) of `family` on the instance. */
const standaloneTask = (family: string) => (sim: SimulatedAws, instance: ContainerInstance) =>
  sim.ecs.runTask(instance.ec2InstanceId, family);

/** How long a replacement takes to start and pass its health check; then ECS stops the old task. */
const REPLACEMENT_HEALTHY_MS = 45_000;
/** The target group's deregistration delay: the old task serves this long before it is STOPPED. */
const DEREGISTRATION_MS = 300_000;

let lines: Record<string, unknown>[];
beforeEach(() => {
  lines = [];
  const collect = (line?: unknown) => {
    lines.push(JSON.parse(String(line)));
  };
  jest.spyOn(console, "log").mockImplementation(collect);
  jest.spyOn(console, "warn").mockImplementation(collect);
  jest.spyOn(console, "error").mockImplementation(collect);
});
afterEach(() => jest.restoreAllMocks());

/** An invocation with `ms` of work before the 60 s it keeps for its hand-off. */
const context = (ms: number) =>
  ({ getRemainingTimeInMillis: () => 60_000 + ms }) as unknown as Context;

/** The event Lambda delivers for a published message, attributes as SNS passes them on. */
const delivered = ({
  message,
  attributes,
}: {
  message: string;
  attributes: Record<string, string>;
}) => aws.delivered(message, attributes);
const completions = () => aws.calls().filter((r) => r.operation === "CompleteLifecycleAction");
const logged = (action: string) => lines.filter((line) => line.action === action);

describe("instance drain at the drain deadline (issue 16 §1)", () => {
  it("keeps an instance whose service still wants a task RUNNING at the deadline: drain-blocked naming the service, alarm, heartbeat and hand-off", async () => {
    // GIVEN a DRAINING instance where ECS found no healthy place for web's replacement
    aws = await clusterRunning(services(["web", "api"]));
    aws.setDraining();

    // WHEN an invocation runs well past the 0.2 s bound
    await handler(aws.delivered(aws.notification), context(800));

    // THEN the instance is kept, the hook kept alive and the chain handed on
    expect(completions()).toHaveLength(0);
    expect(aws.operations()).toContain("RecordLifecycleActionHeartbeat");
    const published = aws.published();
    const alarms = published.filter(({ message }) => message.includes("DrainBlocked"));
    expect(alarms).toHaveLength(1);
    expect(JSON.parse(alarms[0].message).DrainBlocked.reason).toMatch(
      /service\(s\) api, web still want 2 task\(s\) RUNNING here/,
    );
    const handOffs = published.filter(({ message }) => !message.includes("DrainBlocked"));
    expect(handOffs).toHaveLength(1);
    expect(handOffs[0].attributes).toEqual({
      drainingSince: expect.stringMatching(/^\d+$/),
      heldUntil: expect.stringMatching(/^\d+$/),
    });
    expect(logged("drain-blocked")).toEqual([
      expect.objectContaining({ level: "error", services: ["api", "web"], tasksLeft: 2 }),
    ]);
    expect(aws.operations().at(-1)).toBe("Publish");
  });

  it("releases a held instance once the service's tasks have moved, in a later invocation", async () => {
    aws = await clusterRunning(services(["web"]));
    aws.setDraining();
    await handler(aws.delivered(aws.notification), context(400));
    expect(completions()).toHaveLength(0);

    // The replacement is healthy elsewhere: ECS stops the old task, and it reaches STOPPED.
    aws.clock.advance(REPLACEMENT_HEALTHY_MS + DEREGISTRATION_MS);
    const [handOff] = aws.published().filter((p) => !p.message.includes("DrainBlocked"));
    await handler(delivered(handOff), context(400));

    expect(completions()).toHaveLength(1);
    expect(completions()[0].params).toMatchObject({
      InstanceId: aws.instanceId,
      LifecycleActionResult: "CONTINUE",
    });
  });

  it("after a hold, waits for the service's stopping task to reach STOPPED (its deregistration delay) before releasing", async () => {
    aws = await clusterRunning(services(["web"]));
    aws.setDraining();
    await handler(aws.delivered(aws.notification), context(400));

    // The replacement is healthy: ECS stops the old task, which still serves (last RUNNING).
    aws.clock.advance(REPLACEMENT_HEALTHY_MS);
    const [first] = aws.published().filter((p) => !p.message.includes("DrainBlocked"));
    expect(first.attributes.heldUntil).toMatch(/^\d+$/);
    // The next invocation, well past the bound from DRAINING, the hold having just ended. (Times
    // set here rather than raced against a 0.2 s bound, so a busy machine cannot flip it.)
    process.env.MAX_DRAIN_SECONDS = "5";
    const now = Date.now();
    await handler(
      delivered({
        message: first.message,
        attributes: { drainingSince: String(now - 60_000), heldUntil: String(now) },
      }),
      context(100),
    ).finally(() => (process.env.MAX_DRAIN_SECONDS = ENVIRONMENT.MAX_DRAIN_SECONDS));
    expect(completions()).toHaveLength(0);
    expect(logged("wait-after-hold")).toEqual([
      expect.objectContaining({ level: "info", tasksLeft: 1 }),
    ]);
    // No new alarm: this is no longer a blocked drain.
    expect(aws.published().filter((p) => p.message.includes("DrainBlocked"))).toHaveLength(1);

    // The task has reached STOPPED by the next invocation: released at its first look.
    aws.clock.advance(DEREGISTRATION_MS);
    const second = aws.published().filter((p) => !p.message.includes("DrainBlocked"));
    await handler(delivered(second.at(-1) as (typeof second)[number]), context(2000));
    expect(completions()).toHaveLength(1);
    expect(logged("complete").at(-1)).toMatchObject({ level: "info", tasksLeft: 0 });
  });

  it("releases standalone tasks at the deadline with a log line naming them, and keeps nothing", async () => {
    let report = "";
    aws = await clusterRunning((sim, instance) => {
      report = standaloneTask("nightly-report")(sim, instance).taskArn;
    });
    aws.setDraining();

    await handler(aws.delivered(aws.notification), context(2000));

    expect(completions()).toHaveLength(1);
    expect(logged("drain-blocked")).toHaveLength(0);
    const [standalone] = logged("release-standalone");
    expect(standalone).toMatchObject({
      level: "warn",
      tasks: [report],
      groups: ["family:nightly-report"],
    });
    expect(String(standalone.message)).toContain(`${report} (family:nightly-report)`);
    expect(logged("complete")).toEqual([expect.objectContaining({ level: "warn", tasksLeft: 1 })]);
  });

  it("does not hold for a daemon service (ECS stops its task last), releasing with the standalone task", async () => {
    aws = await clusterRunning((sim, instance) => {
      standaloneTask("nightly-report")(sim, instance);
      services(["log-agent"], ["log-agent"])(sim);
    });
    aws.setDraining();

    await handler(aws.delivered(aws.notification), context(2000));

    expect(completions()).toHaveLength(1);
    expect(logged("drain-blocked")).toHaveLength(0);
    expect(aws.calls().find((r) => r.operation === "DescribeServices")?.params).toMatchObject({
      cluster: "apps-staging",
      services: ["log-agent"],
    });
  });

  it("holds when ECS will not say whether a service is a daemon (DescribeServices denied)", async () => {
    // A daemon, which the drain would not hold for had it known.
    aws = await clusterRunning(services(["log-agent"], ["log-agent"]));
    aws.aws.faults.denyEcs("DescribeServices");
    aws.setDraining();

    await handler(aws.delivered(aws.notification), context(400));

    expect(completions()).toHaveLength(0);
    expect(logged("drain-blocked")).toEqual([expect.objectContaining({ services: ["log-agent"] })]);
  });

  it("holds for the service and names only it when service and standalone tasks are both left", async () => {
    aws = await clusterRunning((sim, instance) => {
      standaloneTask("nightly-report")(sim, instance);
      services(["web"])(sim);
    });
    aws.setDraining();

    await handler(aws.delivered(aws.notification), context(400));

    expect(completions()).toHaveLength(0);
    expect(logged("drain-blocked")).toEqual([expect.objectContaining({ services: ["web"] })]);
  });
});

describe("what counts as capacity to drain into (issue 16 §2)", () => {
  it("does not drain into a registered instance still held in Pending:Wait, and drains once it is InService", async () => {
    aws = await clusterRunning(services(["web"]), "Pending:Wait");
    const { autoScaling, server } = aws.aws;
    server.onCall = (call, earlier) => {
      // At the third capacity check (the first ListContainerInstances finds the instance),
      // before Auto Scaling is asked about it, the launch hook admits the new instance.
      const capacityCheck = call.operation === "ListContainerInstances" && !call.params.filter;
      if (capacityCheck && earlier === 3) {
        autoScaling.handle({
          operation: "CompleteLifecycleAction",
          params: {
            AutoScalingGroupName: aws.capacityGroup,
            LifecycleHookName: "admit",
            InstanceId: aws.capacityInstanceId,
            LifecycleActionResult: "CONTINUE",
          },
          region: "us-east-1",
          method: "POST",
          path: "/",
        });
      }
      // Once DRAINING, ECS moves the task: its replacement is healthy and it STOPPED.
      if (call.operation === "UpdateContainerInstancesState") {
        aws.clock.advance(REPLACEMENT_HEALTHY_MS + DEREGISTRATION_MS);
      }
    };
    process.env.MAX_DRAIN_SECONDS = "30";
    try {
      await handler(aws.delivered(aws.notification), context(2000));
    } finally {
      process.env.MAX_DRAIN_SECONDS = ENVIRONMENT.MAX_DRAIN_SECONDS;
    }

    const ops = aws.operations();
    const drainingAt = ops.indexOf("UpdateContainerInstancesState");
    const capacityChecks = aws
      .calls()
      .slice(0, drainingAt)
      .filter((r) => r.operation === "ListContainerInstances" && !r.params.filter);
    // Two looks found only the Pending:Wait instance; the third found it InService.
    expect(capacityChecks).toHaveLength(3);
    expect(logged("wait-for-capacity")).toHaveLength(1);
    expect(completions()).toHaveLength(1);
  });
});
