import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeContainerInstancesCommand,
  ECSClient,
  ListContainerInstancesCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler } from "../lambda/instance-drain/handler";
import type { LogEntry } from "../lambda/instance-drain/log";
import {
  ACTION_TOKEN,
  ASG_NAME,
  CLUSTER,
  CONTAINER_INSTANCE_ARN,
  HOOK_NAME,
  INSTANCE_ID,
  invoke,
  lifecycleMessage,
  NOTIFIED_AT,
  TOPIC_ARN,
  virtualClock,
} from "./instance-drain.fixtures";

const ecs = mockClient(ECSClient);
const autoScaling = mockClient(AutoScalingClient);
const sns = mockClient(SNSClient);

const MINUTE = 60_000;

beforeEach(() => {
  ecs.reset();
  autoScaling.reset();
  sns.reset();
  autoScaling.on(CompleteLifecycleActionCommand).resolves({});
  autoScaling.on(RecordLifecycleActionHeartbeatCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: "republished" });
});

/**
 * GIVEN a handler on virtual time (invoked 1 s after the notification) and an instance whose
 * tasks left are a function of the time since it was set to DRAINING.
 */
function setUp(
  options: {
    env?: Record<string, string>;
    status?: string;
    registered?: boolean;
    tasksLeft?: (msSinceDraining: number) => number;
  } = {},
) {
  const clock = virtualClock(NOTIFIED_AT + 1000);
  const logs: LogEntry[] = [];
  const instance = {
    status: options.status ?? "ACTIVE",
    drainingSince: options.status === "DRAINING" ? clock.now() : Infinity,
  };
  const tasksLeft = options.tasksLeft ?? (() => 0);
  const view = () => ({
    containerInstanceArn: CONTAINER_INSTANCE_ARN,
    ec2InstanceId: INSTANCE_ID,
    status: instance.status,
    runningTasksCount: tasksLeft(Math.max(0, clock.now() - instance.drainingSince)),
    pendingTasksCount: 0,
  });
  ecs.on(ListContainerInstancesCommand).resolves({
    containerInstanceArns: options.registered === false ? [] : [CONTAINER_INSTANCE_ARN],
  });
  ecs.on(DescribeContainerInstancesCommand).callsFake(() => ({ containerInstances: [view()] }));
  ecs.on(UpdateContainerInstancesStateCommand).callsFake(() => {
    instance.status = "DRAINING";
    instance.drainingSince = clock.now();
    return { containerInstances: [view()] };
  });
  const handler = createHandler({
    ecs: new ECSClient({}),
    autoScaling: new AutoScalingClient({}),
    sns: new SNSClient({}),
    clock,
    log: (entry) => logs.push(entry),
    env: { CLUSTER_NAME: "apps-from-env", ...options.env },
  });

  /** Follows re-published notifications, 500 ms of SNS delivery each, until the chain ends. */
  async function drain(message = lifecycleMessage(), timeoutMs = 15 * MINUTE) {
    let invocations = 0;
    for (let next: string | undefined = message; next !== undefined; invocations++) {
      if (invocations === 50) throw new Error("the drain never ends");
      const published = sns.commandCalls(PublishCommand).length;
      await invoke(handler, next, timeoutMs);
      next = sns.commandCalls(PublishCommand)[published]?.args[0].input.Message;
      clock.advance(500);
    }
    return invocations;
  }
  return { clock, logs, handler, drain };
}

const completion = {
  LifecycleHookName: HOOK_NAME,
  AutoScalingGroupName: ASG_NAME,
  LifecycleActionToken: ACTION_TOKEN,
  InstanceId: INSTANCE_ID,
  LifecycleActionResult: "CONTINUE",
};

function noActiveAction() {
  return new AutoScalingServiceException({
    name: "ValidationError",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: `No active Lifecycle Action found with instance ID ${INSTANCE_ID}`,
  });
}

function expectNoAwsCalls() {
  expect(ecs.calls()).toHaveLength(0);
  expect(autoScaling.calls()).toHaveLength(0);
  expect(sns.calls()).toHaveLength(0);
}

describe("instance drain handler", () => {
  describe("messages it does not drain", () => {
    it("ignores the hook's test notification", async () => {
      const { handler, logs } = setUp();
      const message = JSON.stringify({
        Event: "autoscaling:TEST_NOTIFICATION",
        AutoScalingGroupName: ASG_NAME,
        Time: new Date(NOTIFIED_AT).toISOString(),
      });

      await invoke(handler, message);

      expectNoAwsCalls();
      expect(logs).toEqual([
        expect.objectContaining({
          level: "info",
          action: "ignore",
          message: expect.stringMatching(/TEST_NOTIFICATION/),
        }),
      ]);
    });

    it("ignores lifecycle transitions other than terminating", async () => {
      const { handler, logs } = setUp();

      await invoke(
        handler,
        lifecycleMessage({ LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING" }),
      );

      expectNoAwsCalls();
      expect(logs).toEqual([expect.objectContaining({ level: "info", action: "ignore" })]);
    });

    it.each([
      ["not JSON", "{not json"],
      ["a JSON array", "[]"],
      ["neither a lifecycle transition nor an event", JSON.stringify({ Service: "x" })],
      ["without EC2InstanceId", lifecycleMessage({ EC2InstanceId: undefined })],
      ["without LifecycleHookName", lifecycleMessage({ LifecycleHookName: undefined })],
      ["without AutoScalingGroupName", lifecycleMessage({ AutoScalingGroupName: "" })],
      ["without a valid Time", lifecycleMessage({ Time: "yesterday" })],
    ])("logs one error and returns for a message %s", async (_case, message) => {
      const { handler, logs } = setUp();

      await expect(invoke(handler, message)).resolves.toBeUndefined();

      expectNoAwsCalls();
      expect(logs).toEqual([
        expect.objectContaining({ level: "error", action: "reject-message", snsMessage: message }),
      ]);
    });

    it("logs an error and leaves the instance alone when no cluster is known", async () => {
      const { handler, logs } = setUp({ env: { CLUSTER_NAME: "" } });

      await invoke(handler, lifecycleMessage({ NotificationMetadata: undefined }));

      expectNoAwsCalls();
      expect(logs).toEqual([
        expect.objectContaining({
          level: "error",
          action: "reject-message",
          instanceId: INSTANCE_ID,
        }),
      ]);
    });
  });

  describe("finding the container instance", () => {
    it("looks the instance up by a filter in the cluster named in the hook's metadata", async () => {
      const { handler } = setUp();

      await invoke(handler, lifecycleMessage());

      expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
        cluster: CLUSTER,
        filter: `ec2InstanceId == ${INSTANCE_ID}`,
      });
    });

    it.each([
      ["no metadata", undefined],
      ["metadata without a cluster", JSON.stringify({ team: "digital" })],
      ["metadata that is not JSON", "apps-staging"],
    ])("falls back to CLUSTER_NAME when the hook has %s", async (_case, metadata) => {
      const { handler } = setUp();

      await invoke(handler, lifecycleMessage({ NotificationMetadata: metadata }));

      expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, {
        cluster: "apps-from-env",
      });
    });

    it("completes at once when the instance is not registered in the cluster", async () => {
      const { handler, logs } = setUp({ registered: false });

      await invoke(handler, lifecycleMessage());

      expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
      expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
      expect(ecs).not.toHaveReceivedCommand(DescribeContainerInstancesCommand);
      expect(logs).toEqual([expect.objectContaining({ action: "complete", tasksLeft: 0 })]);
    });

    it("follows nextToken when a filtered page comes back empty", async () => {
      const { handler } = setUp({ tasksLeft: () => 0 });
      ecs
        .on(ListContainerInstancesCommand)
        .resolvesOnce({ containerInstanceArns: [], nextToken: "page-2" })
        .resolves({ containerInstanceArns: [CONTAINER_INSTANCE_ARN] });

      await invoke(handler, lifecycleMessage());

      expect(ecs).toHaveReceivedCommandWith(ListContainerInstancesCommand, { nextToken: "page-2" });
      expect(ecs).toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    });
  });

  describe("draining", () => {
    it("sets an ACTIVE instance to DRAINING, then completes once its tasks are gone", async () => {
      const { handler, logs } = setUp({ tasksLeft: (ms) => (ms < 25_000 ? 2 : 0) });

      await invoke(handler, lifecycleMessage());

      expect(ecs).toHaveReceivedCommandWith(UpdateContainerInstancesStateCommand, {
        cluster: CLUSTER,
        containerInstances: [CONTAINER_INSTANCE_ARN],
        status: "DRAINING",
      });
      expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
      expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
      expect(logs.map((entry) => entry.action)).toEqual(["start-draining", "complete"]);
      expect(logs[0]).toMatchObject({ instanceId: INSTANCE_ID, cluster: CLUSTER, tasksLeft: 2 });
    });

    it("does not set DRAINING again when a duplicate delivery finds it already DRAINING", async () => {
      const { handler } = setUp({ status: "DRAINING", tasksLeft: () => 0 });

      await invoke(handler, lifecycleMessage());

      expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
      expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
    });

    it("polls every POLL_SECONDS and completes within one interval of the last task stopping", async () => {
      const { handler, clock } = setUp({
        env: { POLL_SECONDS: "15" },
        tasksLeft: (ms) => (ms < 61_000 ? 3 : 0),
      });
      const drainingAt = clock.now();
      const completedAt: number[] = [];
      autoScaling.on(CompleteLifecycleActionCommand).callsFake(() => {
        completedAt.push(clock.now());
        return {};
      });

      await invoke(handler, lifecycleMessage());

      // Polls at 15, 30, 45, 60 s see tasks; the one at 75 s sees none.
      expect(ecs).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 1 + 5);
      expect(completedAt).toEqual([drainingAt + 75_000]);
    });

    it("keeps polling on a fixed cadence when a call is slow", async () => {
      const { handler, clock } = setUp({ status: "DRAINING" });
      const startedAt = clock.now();
      const describedAt: number[] = [];
      ecs.on(DescribeContainerInstancesCommand).callsFake(async () => {
        describedAt.push(clock.now() - startedAt);
        await clock.sleep(3_000);
        return { containerInstances: [{ status: "DRAINING", runningTasksCount: 1 }] };
      });

      // Two minutes minus the 60 s margin leave room for polls up to 60 s.
      await invoke(handler, lifecycleMessage(), 2 * MINUTE);

      expect(describedAt).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    });

    it("counts pending tasks as tasks left", async () => {
      const { handler } = setUp({ status: "DRAINING" });
      ecs
        .on(DescribeContainerInstancesCommand)
        .resolvesOnce({
          containerInstances: [{ status: "DRAINING", runningTasksCount: 0, pendingTasksCount: 1 }],
        })
        .resolves({
          containerInstances: [{ status: "DRAINING", runningTasksCount: 0, pendingTasksCount: 0 }],
        });

      await invoke(handler, lifecycleMessage());

      expect(ecs).toHaveReceivedCommandTimes(DescribeContainerInstancesCommand, 2);
      expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
    });

    it("completes when the container instance deregisters during the drain", async () => {
      const { handler } = setUp({ tasksLeft: () => 1 });
      ecs
        .on(DescribeContainerInstancesCommand)
        .resolvesOnce({ containerInstances: [{ status: "DRAINING", runningTasksCount: 1 }] })
        .resolves({ failures: [{ arn: CONTAINER_INSTANCE_ARN, reason: "MISSING" }] });

      await invoke(handler, lifecycleMessage());

      expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
    });

    it("throws, rather than completing, when ECS reports another failure for the instance", async () => {
      const { handler } = setUp();
      ecs.on(DescribeContainerInstancesCommand).resolves({
        failures: [{ arn: CONTAINER_INSTANCE_ARN, reason: "ACCESS_DENIED" }],
      });

      await expect(invoke(handler, lifecycleMessage())).rejects.toThrow(/ACCESS_DENIED/);
      expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
    });
  });

  describe("drains longer than one invocation", () => {
    it("re-publishes the notification when the invocation runs out of time", async () => {
      const { drain, logs } = setUp({ tasksLeft: (ms) => (ms < 30 * MINUTE ? 4 : 0) });

      const invocations = await drain();

      expect(invocations).toBe(3);
      // Every 5 minutes of drain, at each hand-off, and as each continuing invocation starts.
      const actions = logs.map((entry) => entry.action);
      expect(actions).toEqual([
        "start-draining",
        "heartbeat",
        "heartbeat",
        "hand-off",
        "continue",
        "heartbeat",
        "heartbeat",
        "hand-off",
        "continue",
        "complete",
      ]);
      const heartbeats = actions.filter((a) => ["heartbeat", "hand-off", "continue"].includes(a));
      expect(autoScaling).toHaveReceivedCommandTimes(
        RecordLifecycleActionHeartbeatCommand,
        heartbeats.length,
      );
      expect(autoScaling).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, {
        LifecycleHookName: HOOK_NAME,
        AutoScalingGroupName: ASG_NAME,
        LifecycleActionToken: ACTION_TOKEN,
        InstanceId: INSTANCE_ID,
      });
      const published = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
      expect(published).toHaveLength(2);
      for (const input of published) {
        expect(input.TopicArn).toBe(TOPIC_ARN);
        expect(input.Message).toBe(lifecycleMessage());
      }
      expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
      expect(logs[1]).toMatchObject({ instanceId: INSTANCE_ID, cluster: CLUSTER, tasksLeft: 4 });
    });

    it("records a heartbeat every 5 minutes while tasks remain, whatever the invocation length", async () => {
      const { handler, clock } = setUp({ tasksLeft: (ms) => (ms < 12 * MINUTE ? 2 : 0) });
      const heartbeatAt: number[] = [];
      autoScaling.on(RecordLifecycleActionHeartbeatCommand).callsFake(() => {
        heartbeatAt.push(clock.now() - NOTIFIED_AT);
        return {};
      });

      await invoke(handler, lifecycleMessage());

      // Counted from the notification; the first poll at or after each 5-minute mark.
      expect(heartbeatAt).toHaveLength(2);
      expect(heartbeatAt[0]).toBeGreaterThanOrEqual(5 * MINUTE);
      expect(heartbeatAt[0]).toBeLessThan(5 * MINUTE + 10_000);
      expect(heartbeatAt[1] - heartbeatAt[0]).toBeGreaterThanOrEqual(5 * MINUTE);
      expect(heartbeatAt[1] - heartbeatAt[0]).toBeLessThan(5 * MINUTE + 10_000);
      expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
    });

    it("returns before the Lambda deadline, keeping the safety margin", async () => {
      const { handler, clock } = setUp({ tasksLeft: () => 1 });
      const startedAt = clock.now();

      await invoke(handler, lifecycleMessage(), 5 * MINUTE);

      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
      expect(clock.now() - startedAt).toBeLessThanOrEqual(4 * MINUTE);
      expect(clock.now() - startedAt).toBeGreaterThan(4 * MINUTE - 10_000);
    });

    it("records a heartbeat first when Lambda retries a failed invocation minutes later", async () => {
      const { handler, clock, logs } = setUp({ status: "DRAINING", tasksLeft: () => 0 });
      clock.advance(4 * MINUTE);

      await invoke(handler, lifecycleMessage());

      const [heartbeat] = autoScaling.commandCalls(RecordLifecycleActionHeartbeatCommand);
      const [find] = ecs.commandCalls(ListContainerInstancesCommand);
      expect(heartbeat.calledBefore(find)).toBe(true);
      expect(autoScaling).toHaveReceivedCommandWith(RecordLifecycleActionHeartbeatCommand, {
        LifecycleHookName: HOOK_NAME,
        AutoScalingGroupName: ASG_NAME,
        LifecycleActionToken: ACTION_TOKEN,
        InstanceId: INSTANCE_ID,
      });
      expect(logs.map((entry) => entry.action)).toEqual(["continue", "complete"]);
    });

    it("does not record a heartbeat on the notification's first delivery", async () => {
      const { handler } = setUp({ tasksLeft: () => 0 });

      await invoke(handler, lifecycleMessage());

      expect(autoScaling).not.toHaveReceivedCommand(RecordLifecycleActionHeartbeatCommand);
    });

    it("stops when a continuing invocation finds the lifecycle action already gone", async () => {
      const { handler, clock, logs } = setUp({ tasksLeft: () => 3 });
      autoScaling.on(RecordLifecycleActionHeartbeatCommand).rejects(noActiveAction());
      clock.advance(20 * MINUTE);

      await invoke(handler, lifecycleMessage());

      expect(ecs).not.toHaveReceivedCommand(ListContainerInstancesCommand);
      expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
      expect(logs.map((entry) => entry.action)).toEqual(["already-complete"]);
    });

    it("stops without re-publishing when the heartbeat finds no active lifecycle action", async () => {
      const { handler, logs } = setUp({ tasksLeft: () => 1 });
      autoScaling.on(RecordLifecycleActionHeartbeatCommand).rejects(noActiveAction());

      await expect(invoke(handler, lifecycleMessage())).resolves.toBeUndefined();

      expect(sns).not.toHaveReceivedCommand(PublishCommand);
      expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
      expect(logs.at(-1)).toMatchObject({ action: "already-complete", tasksLeft: 1 });
    });

    it("completes after MAX_DRAIN_SECONDS even with tasks left, warning with the task count", async () => {
      const { drain, logs, clock } = setUp({
        env: { MAX_DRAIN_SECONDS: "1800" },
        tasksLeft: () => 3,
      });

      await drain();

      expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
      const warning = logs.find((entry) => entry.level === "warn");
      expect(warning).toMatchObject({ action: "complete", tasksLeft: 3, instanceId: INSTANCE_ID });
      expect(warning?.message).toMatch(/MAX_DRAIN_SECONDS \(1800\).*3 tasks/);
      expect(clock.now() - NOTIFIED_AT).toBeLessThan(31 * MINUTE);
    });
  });

  describe("the max drain time", () => {
    it("releases the instance when MAX_DRAIN_SECONDS pass, not at the next poll after", async () => {
      const { handler, clock } = setUp({ env: { MAX_DRAIN_SECONDS: "95" }, tasksLeft: () => 2 });
      const completedAt: number[] = [];
      autoScaling.on(CompleteLifecycleActionCommand).callsFake(() => {
        completedAt.push(clock.now());
        return {};
      });

      await invoke(handler, lifecycleMessage());

      expect(completedAt).toEqual([NOTIFIED_AT + 95_000]);
    });

    it("still warns when the action is already gone at the bound, tasks having been left", async () => {
      const { handler, logs } = setUp({ env: { MAX_DRAIN_SECONDS: "95" }, tasksLeft: () => 2 });
      autoScaling.on(CompleteLifecycleActionCommand).rejects(noActiveAction());

      await invoke(handler, lifecycleMessage());

      expect(logs.at(-1)).toMatchObject({
        level: "warn",
        action: "already-complete",
        tasksLeft: 2,
      });
    });
  });

  describe("completing the lifecycle action", () => {
    it("treats 'No active Lifecycle Action found' as already completed", async () => {
      const { handler, logs } = setUp();
      autoScaling.on(CompleteLifecycleActionCommand).rejects(noActiveAction());

      await expect(invoke(handler, lifecycleMessage())).resolves.toBeUndefined();

      expect(logs.at(-1)).toMatchObject({ level: "info", action: "already-complete" });
    });

    it.each([
      ["another ValidationError", "ValidationError", "Lifecycle hook drain not found"],
      ["a throttling error that outlasted the SDK's retries", "Throttling", "Rate exceeded"],
    ])("propagates %s so the invocation is retried", async (_case, name, message) => {
      const { handler } = setUp();
      autoScaling
        .on(CompleteLifecycleActionCommand)
        .rejects(
          new AutoScalingServiceException({ name, message, $fault: "client", $metadata: {} }),
        );

      await expect(invoke(handler, lifecycleMessage())).rejects.toThrow(message);
    });
  });

  describe("configuration", () => {
    it.each([
      ["POLL_SECONDS", "abc"],
      ["POLL_SECONDS", "0"],
      ["POLL_SECONDS", "-5"],
      ["POLL_SECONDS", ""],
      ["MAX_DRAIN_SECONDS", "1h"],
      ["MAX_DRAIN_SECONDS", "0"],
    ])("logs one error naming %s=%j and throws", async (variable, value) => {
      const { handler, logs } = setUp({ env: { [variable]: value } });

      await expect(invoke(handler, lifecycleMessage())).rejects.toThrow(
        `${variable} must be a positive number of seconds, got ${JSON.stringify(value)}`,
      );

      expectNoAwsCalls();
      expect(logs).toEqual([
        expect.objectContaining({
          level: "error",
          action: "reject-configuration",
          variable,
          value,
        }),
      ]);
    });

    it("throws when the Lambda timeout cannot fit one poll plus the safety margin", async () => {
      const { handler, logs } = setUp();

      await expect(invoke(handler, lifecycleMessage(), 65_000)).rejects.toThrow(
        /must exceed POLL_SECONDS \(10\) plus the 60 s safety margin/,
      );

      expectNoAwsCalls();
      expect(logs).toEqual([expect.objectContaining({ action: "reject-configuration" })]);
    });
  });
});
