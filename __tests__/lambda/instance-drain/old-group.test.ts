import type { Context } from "aws-lambda";
import { lifecycleMessage } from "../../../simulation/drain-fixtures";
import { drainFunctionOnSimulatedAws, type SimulatedCluster } from "./simulated-cluster";

/**
 * Issue 16 §6: after `adopt hand-over`, the old (imported) group's own termination hook, with
 * its own name, notifies this function. It must drain such an instance exactly as one of its
 * own groups: wait for every task to reach STOPPED, then complete the old hook's action.
 */

const OLD_GROUP = "AppsStaging-20250915143022117800000001";
const OLD_HOOK = "AppsStaging-drain";

const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local",
  CLUSTER_NAME: "AppsStaging",
  POLL_SECONDS: "0.02",
  MAX_DRAIN_SECONDS: "30",
};
const { handler, cluster } = drainFunctionOnSimulatedAws(ENVIRONMENT);
let aws: SimulatedCluster;
/** An instance of the old group, running one task of the service web. */
const oldGroup = (options: { metadata?: string; terminating?: boolean }) =>
  cluster({
    cluster: "AppsStaging",
    group: OLD_GROUP,
    hookName: OLD_HOOK,
    seed: (sim) =>
      sim.ecs.createService({ cluster: "AppsStaging", serviceName: "web", desiredCount: 1 }),
    ...options,
  });
beforeEach(() => {
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  jest.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const context = { getRemainingTimeInMillis: () => 60_000 + 3_000 } as unknown as Context;

describe("draining an instance of the old, handed-over group", () => {
  test.each([
    ["with the metadata the hand-over sets", JSON.stringify({ cluster: "AppsStaging" })],
    ["with the old hook's empty metadata (CLUSTER_NAME)", ""],
  ])(
    "%s: waits for lastStatus STOPPED, then completes the old hook's action",
    async (_case, metadata) => {
      aws = await oldGroup({ metadata });
      // DRAINING: ECS decides to stop the task at once (its replacement is healthy) but it keeps
      // serving through the deregistration delay: four more looks, then STOPPED.
      aws.aws.server.onCall = (call, earlier) => {
        if (call.operation === "UpdateContainerInstancesState") aws.clock.advance(45_000);
        if (call.operation === "DescribeTasks" && earlier === 3) aws.clock.advance(300_000);
      };
      const { LifecycleActionToken: token } = JSON.parse(aws.notification);

      await handler(aws.delivered(aws.notification), context);

      const operations = aws.operations();
      // It asked Auto Scaling about the old group's instance, and found it in Terminating:Wait.
      expect(aws.calls()[0]).toMatchObject({
        operation: "DescribeAutoScalingInstances",
        params: { InstanceIds: [aws.instanceId] },
      });
      expect(operations).toContain("UpdateContainerInstancesState");
      expect(
        aws.calls().find((r) => r.operation === "ListContainerInstances")?.params,
      ).toMatchObject({ cluster: "AppsStaging", filter: `ec2InstanceId == ${aws.instanceId}` });
      const completions = aws.calls().filter((r) => r.operation === "CompleteLifecycleAction");
      expect(completions.map((r) => r.params)).toEqual([
        expect.objectContaining({
          AutoScalingGroupName: OLD_GROUP,
          LifecycleHookName: OLD_HOOK,
          LifecycleActionToken: token,
          InstanceId: aws.instanceId,
          LifecycleActionResult: "CONTINUE",
        }),
      ]);
      // Released only after the task reached STOPPED (the old function released at desired STOPPED).
      const calls = aws.calls();
      const stoppedAt = calls.findIndex(
        (r, i) =>
          r.operation === "DescribeTasks" &&
          calls.slice(0, i).filter((x) => x.operation === "DescribeTasks").length === 4,
      );
      expect(operations.indexOf("CompleteLifecycleAction")).toBeGreaterThan(stoppedAt);
    },
  );

  it("does nothing for a notification of the old group whose instance is not in Terminating:Wait", async () => {
    aws = await oldGroup({ terminating: false });
    await handler(
      aws.delivered(
        lifecycleMessage({
          Time: new Date().toISOString(),
          AutoScalingGroupName: OLD_GROUP,
          LifecycleHookName: OLD_HOOK,
          EC2InstanceId: aws.instanceId,
        }),
      ),
      context,
    );
    expect(aws.operations()).toEqual(["DescribeAutoScalingInstances"]);
  });
});
