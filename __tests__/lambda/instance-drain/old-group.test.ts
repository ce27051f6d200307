import type { Context } from "aws-lambda";
import { lifecycleMessage, snsEvent } from "../../../simulation/drain-fixtures";
import { handlerAgainstLocalAws, LocalAws } from "./local-aws";

/**
 * Issue 16 §6: after `adopt hand-over`, the old (imported) group's own termination hook, with
 * its own name, notifies this function. It must drain such an instance exactly as one of its
 * own groups: wait for every task to reach STOPPED, then complete the old hook's action.
 */

const OLD_GROUP = "AppsStaging-20250915143022117800000001";
const OLD_HOOK = "AppsStaging-drain";
const OLD_INSTANCE = "i-0a1d0000000000001";
const TOKEN = "0d6a1c9e-5b1e-4c3f-9a57-2f0b8e1c4d21";

const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local",
  CLUSTER_NAME: "AppsStaging",
  POLL_SECONDS: "0.02",
  MAX_DRAIN_SECONDS: "30",
};
let aws: LocalAws;
const handler = handlerAgainstLocalAws(ENVIRONMENT, () => aws);
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
      aws = new LocalAws(OLD_INSTANCE, OLD_GROUP);
      aws.others = [{ id: "i-0fedcba9876543210", state: "InService", group: "AppsStaging-new" }];
      const web = {
        arn: "arn:aws:ecs:us-east-1:111122223333:task/AppsStaging/web1",
        group: "service:web",
        desired: "RUNNING" as "RUNNING" | "STOPPED",
        last: "RUNNING" as "RUNNING" | "STOPPED",
      };
      aws.tasks = [web];
      // DRAINING: ECS decides to stop the task at once (desired STOPPED) but it keeps serving
      // through the deregistration delay: four more looks, then STOPPED.
      aws.onRequest = (request, n) => {
        if (request.operation === "UpdateContainerInstancesState") web.desired = "STOPPED";
        if (request.operation === "DescribeTasks" && n === 4) web.last = "STOPPED";
      };
      const message = lifecycleMessage({
        Time: new Date().toISOString(),
        AutoScalingGroupName: OLD_GROUP,
        LifecycleHookName: OLD_HOOK,
        EC2InstanceId: OLD_INSTANCE,
        LifecycleActionToken: TOKEN,
        NotificationMetadata: metadata,
      });

      await handler(snsEvent(message), context);

      const operations = aws.operations();
      // It asked Auto Scaling about the old group's instance, and found it in Terminating:Wait.
      expect(aws.requests[0]).toMatchObject({
        operation: "DescribeAutoScalingInstances",
        params: { "InstanceIds.member.1": OLD_INSTANCE },
      });
      expect(operations).toContain("UpdateContainerInstancesState");
      expect(
        aws.requests.find((r) => r.operation === "ListContainerInstances")?.params,
      ).toMatchObject({ cluster: "AppsStaging", filter: `ec2InstanceId == ${OLD_INSTANCE}` });
      const completions = aws.requests.filter((r) => r.operation === "CompleteLifecycleAction");
      expect(completions.map((r) => r.params)).toEqual([
        expect.objectContaining({
          AutoScalingGroupName: OLD_GROUP,
          LifecycleHookName: OLD_HOOK,
          LifecycleActionToken: TOKEN,
          InstanceId: OLD_INSTANCE,
          LifecycleActionResult: "CONTINUE",
        }),
      ]);
      // Released only after the task reached STOPPED (the old function released at desired STOPPED).
      const stoppedAt = aws.requests.findIndex(
        (r, i) =>
          r.operation === "DescribeTasks" &&
          aws.requests.slice(0, i).filter((x) => x.operation === "DescribeTasks").length === 4,
      );
      expect(operations.indexOf("CompleteLifecycleAction")).toBeGreaterThan(stoppedAt);
    },
  );

  it("does nothing for a notification of the old group whose instance is not in Terminating:Wait", async () => {
    aws = new LocalAws(OLD_INSTANCE, OLD_GROUP);
    aws.lifecycleState = "InService";
    await handler(
      snsEvent(
        lifecycleMessage({
          Time: new Date().toISOString(),
          AutoScalingGroupName: OLD_GROUP,
          LifecycleHookName: OLD_HOOK,
          EC2InstanceId: OLD_INSTANCE,
        }),
      ),
      context,
    );
    expect(aws.operations()).toEqual(["DescribeAutoScalingInstances"]);
  });
});
