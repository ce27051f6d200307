import type { Context } from "aws-lambda";
import { ASG_NAME, CLUSTER, HOOK_NAME, lifecycleMessage } from "../../../simulation/drain-fixtures";
import { drainFunctionOnSimulatedAws, type SimulatedCluster } from "./simulated-cluster";

/**
 * The exported handler exactly as Lambda loads it, pointed at the simulated AWS by environment
 * variables alone: nothing in the code names a region or an endpoint.
 */

const ENVIRONMENT = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local",
  CLUSTER_NAME: CLUSTER,
  POLL_SECONDS: "0.02",
};

const { handler, cluster } = drainFunctionOnSimulatedAws(ENVIRONMENT);
let aws: SimulatedCluster;

beforeEach(() => {
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "apps-staging-instance-drain",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:apps-staging-instance-drain",
  memoryLimitInMB: "128",
  awsRequestId: "8f5c2a4e-0000-4000-8000-000000000000",
  logGroupName: "/aws/lambda/apps-staging-instance-drain",
  logStreamName: "2025/06/01/[$LATEST]0000",
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** The staging cluster: its instance terminating, running what `seed` starts, and one other. */
const staging = (options: Partial<Parameters<typeof cluster>[0]> = {}) =>
  cluster({ cluster: CLUSTER, group: ASG_NAME, hookName: HOOK_NAME, ...options });
/** One task of the service web on the instance. */
const web = {
  seed: (sim: SimulatedCluster["aws"]) =>
    void sim.ecs.createService({ cluster: CLUSTER, serviceName: "web", desiredCount: 1 }),
};
/** How long a replacement takes to pass its health check: then ECS stops the old task. */
const REPLACEMENT_HEALTHY_MS = 45_000;
/** The target group's deregistration delay: the old task serves this long before it is STOPPED. */
const DEREGISTRATION_MS = 300_000;

const operations = () => aws.operations();

describe("instance drain handler (index.ts)", () => {
  it("drains through AWS_ENDPOINT_URL and writes one JSON line per decision", async () => {
    aws = await staging();
    aws.setDraining();

    await handler(aws.delivered(aws.notification), context);

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "DescribeContainerInstances",
      "ListTasks",
      "ListTasks",
      "CompleteLifecycleAction",
    ]);
    expect(aws.calls().at(-1)?.params).toMatchObject({ InstanceId: aws.instanceId });
    const lines = jest.mocked(console.log).mock.calls.map(([line]) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        action: "complete",
        instanceId: aws.instanceId,
        cluster: CLUSTER,
        tasksLeft: 0,
      }),
    ]);
  });

  it("treats a completion that Auto Scaling no longer knows as done", async () => {
    aws = await staging();
    aws.aws.ecs.deregister(aws.instanceId);
    // Meanwhile someone else completes the action: the instance is gone when the function does.
    aws.aws.server.onCall = ({ operation }) => {
      if (operation !== "ListContainerInstances") return;
      aws.aws.autoScaling.handle({
        operation: "CompleteLifecycleAction",
        params: {
          AutoScalingGroupName: ASG_NAME,
          LifecycleHookName: HOOK_NAME,
          InstanceId: aws.instanceId,
          LifecycleActionResult: "CONTINUE",
        },
        region: "us-east-1",
        method: "POST",
        path: "/",
      });
    };

    await expect(handler(aws.delivered(aws.notification), context)).resolves.toBeUndefined();

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "CompleteLifecycleAction",
    ]);
  });

  it("keeps an instance whose task has desired status STOPPED until its last status is STOPPED", async () => {
    aws = await staging(web);
    aws.setDraining();
    // ECS has stopped the task (its replacement is healthy), but it still serves through the
    // deregistration delay: STOPPED after the fourth look.
    aws.clock.advance(REPLACEMENT_HEALTHY_MS);
    aws.aws.server.onCall = ({ operation }, earlier) => {
      if (operation === "DescribeTasks" && earlier === 3) aws.clock.advance(DEREGISTRATION_MS);
    };

    await handler(aws.delivered(aws.notification), context);

    const describeTasks = operations().filter((op) => op === "DescribeTasks").length;
    expect(describeTasks).toBeGreaterThanOrEqual(4);
    expect(operations().at(-1)).toBe("CompleteLifecycleAction");
    expect(operations().indexOf("CompleteLifecycleAction")).toBeGreaterThan(
      operations().lastIndexOf("DescribeTasks"),
    );
  });

  it("does not drain while the only other instance is terminating, and drains once a new one registers", async () => {
    aws = await staging({ ...web, capacity: "Terminating:Wait" });
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    aws.aws.server.onCall = ({ operation }, earlier) => {
      // The first look at Auto Scaling is at the instance itself: after two capacity checks
      // have found nothing, a new instance is ACTIVE and InService.
      if (operation === "DescribeAutoScalingInstances" && earlier === 2)
        aws.addGroup("apps-staging-next");
      // Once DRAINING, ECS moves the task: its replacement is healthy and it STOPPED.
      if (operation === "UpdateContainerInstancesState") {
        aws.clock.advance(REPLACEMENT_HEALTHY_MS + DEREGISTRATION_MS);
      }
    };

    await handler(aws.delivered(aws.notification), context);

    const capacityChecks = aws
      .calls()
      .filter((r) => r.operation === "ListContainerInstances" && !r.params.filter).length;
    expect(capacityChecks).toBe(3);
    // It says why it waits, naming the instance and the tasks still there.
    expect(warn.mock.calls.map(([line]) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        level: "warn",
        action: "wait-for-capacity",
        instanceId: aws.instanceId,
        tasksLeft: 1,
      }),
    );
    expect(operations().filter((op) => op === "UpdateContainerInstancesState")).toHaveLength(1);
    expect(operations().at(-1)).toBe("CompleteLifecycleAction");
  });

  it("completes a launch notification only after registration, and never drains", async () => {
    aws = await staging({ capacity: "Pending:Wait", terminating: false });
    const { ecs, server } = aws.aws;
    const registered = ecs.scheduler.instances.find(
      (i) => i.ec2InstanceId === aws.capacityInstanceId,
    );
    ecs.deregister(aws.capacityInstanceId);
    // Its ECS agent registers it after the function's second look.
    server.onCall = ({ operation }, earlier) => {
      if (operation === "ListContainerInstances" && earlier === 1 && registered) {
        ecs.register({ ...registered, region: "us-east-1" });
      }
    };

    await handler(aws.delivered(aws.launchNotification), context);

    expect(operations().filter((op) => op === "ListContainerInstances")).toHaveLength(3);
    expect(operations()).not.toContain("UpdateContainerInstancesState");
    expect(operations().at(-1)).toBe("CompleteLifecycleAction");
    expect(aws.calls().at(-1)?.params).toMatchObject({
      InstanceId: aws.capacityInstanceId,
      LifecycleActionResult: "CONTINUE",
    });
  });

  it("drains nothing for a forged notification (instance not in Terminating:Wait)", async () => {
    aws = await staging({ terminating: false });
    jest.spyOn(console, "warn").mockImplementation(() => undefined);

    await handler(
      aws.delivered(
        lifecycleMessage({ Time: new Date().toISOString(), EC2InstanceId: aws.instanceId }),
      ),
      context,
    );

    expect(operations()).toEqual(["DescribeAutoScalingInstances"]);
  });

  it("completes when ECS answers ClusterNotFoundException", async () => {
    aws = await staging();
    aws.aws.ecs.clusters.delete(CLUSTER);

    await handler(aws.delivered(aws.notification), context);

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "CompleteLifecycleAction",
    ]);
    expect(aws.calls().at(-1)?.params).toMatchObject({ LifecycleActionResult: "CONTINUE" });
  });
});
