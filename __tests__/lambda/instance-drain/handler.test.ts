import "aws-sdk-client-mock-jest";
import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ECSServiceException,
  ListContainerInstancesCommand,
  ListTasksCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { createHandler } from "../../../lambda/instance-drain/handler";
import type { LogEntry } from "../../../lambda/instance-drain/log";
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
  snsEvent,
  TOPIC_ARN,
} from "../../../simulation/drain-fixtures";
import { virtualClock } from "../../../simulation/clock";

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

/** Another instance of the cluster, as ECS and Auto Scaling see it. */
interface OtherInstance {
  readonly id: string;
  status?: string;
  agentConnected?: boolean;
  /** Auto Scaling's lifecycle state; undefined: not in any group. */
  lifecycleState?: string;
}

/** A new instance of the new group that can take the tasks. */
const usableInstance = (): OtherInstance => ({
  id: "i-0fedcba9876543210",
  status: "ACTIVE",
  agentConnected: true,
  lifecycleState: "InService",
});

const arnOf = (ec2InstanceId: string) =>
  `arn:aws:ecs:us-east-1:123456789012:container-instance/apps-staging/${ec2InstanceId}`;
const taskArn = (i: number) => `arn:aws:ecs:us-east-1:123456789012:task/apps-staging/task${i}`;

/**
 * GIVEN a handler on virtual time (invoked 1 s after the notification), the instance of the
 * notification and the cluster's other instances. `tasksLeft` gives the instance's tasks whose
 * desired status is RUNNING as a function of the time since it was set DRAINING; a task that
 * leaves that count keeps `lastStatus` RUNNING for `stoppingForMs` more (the load balancer's
 * deregistration delay and its stop timeout), then reaches STOPPED.
 */
function setUp(
  options: {
    env?: Record<string, string>;
    status?: string;
    agentConnected?: boolean;
    registered?: boolean;
    tasksLeft?: (msSinceDraining: number) => number;
    stoppingForMs?: number;
    /** Where Auto Scaling has the notification's instance. */
    lifecycleState?: string;
    autoScalingGroupName?: string;
    others?: OtherInstance[];
  } = {},
) {
  const clock = virtualClock(NOTIFIED_AT + 1000);
  const logs: LogEntry[] = [];
  const instance = {
    status: options.status ?? "ACTIVE",
    agentConnected: options.agentConnected ?? true,
    registered: options.registered ?? true,
    drainingSince: options.status === "DRAINING" ? clock.now() : Infinity,
  };
  const others = options.others ?? [usableInstance()];
  const tasksLeft = options.tasksLeft ?? (() => 0);
  const stoppingForMs = options.stoppingForMs ?? 0;
  const elapsed = () => Math.max(0, clock.now() - instance.drainingSince);
  const scheduled = () => tasksLeft(elapsed());
  /** Task i leaves the desired-RUNNING count at the first second the count is at most i. */
  const mostTasks = () => Math.max(scheduled(), tasksLeft(0));
  const desiredStopAt = (i: number) => {
    for (let ms = 0; ms <= elapsed(); ms += 1000) if (tasksLeft(ms) <= i) return ms;
    return Infinity;
  };
  const lastStatus = (i: number) =>
    i < scheduled() || elapsed() < desiredStopAt(i) + stoppingForMs ? "RUNNING" : "STOPPED";

  const view = () => ({
    containerInstanceArn: CONTAINER_INSTANCE_ARN,
    ec2InstanceId: INSTANCE_ID,
    status: instance.status,
    agentConnected: instance.agentConnected,
    runningTasksCount: scheduled(),
    pendingTasksCount: 0,
  });
  const otherView = (other: OtherInstance) => ({
    containerInstanceArn: arnOf(other.id),
    ec2InstanceId: other.id,
    status: other.status ?? "ACTIVE",
    agentConnected: other.agentConnected ?? true,
    runningTasksCount: 3,
    pendingTasksCount: 0,
  });
  autoScaling.on(DescribeAutoScalingInstancesCommand).callsFake(({ InstanceIds = [] }) => ({
    AutoScalingInstances: InstanceIds.flatMap((id: string) => {
      if (id === INSTANCE_ID) {
        return [
          {
            InstanceId: id,
            AutoScalingGroupName: options.autoScalingGroupName ?? ASG_NAME,
            LifecycleState: options.lifecycleState ?? "Terminating:Wait",
          },
        ];
      }
      const other = others.find((o) => o.id === id);
      return other?.lifecycleState
        ? [{ InstanceId: id, AutoScalingGroupName: "new", LifecycleState: other.lifecycleState }]
        : [];
    }),
  }));
  ecs.on(ListContainerInstancesCommand).callsFake(({ filter, status }) => {
    if (filter !== undefined) {
      return { containerInstanceArns: instance.registered ? [CONTAINER_INSTANCE_ARN] : [] };
    }
    const all = [...(instance.registered ? [view()] : []), ...others.map(otherView)];
    return {
      containerInstanceArns: all
        .filter((i) => status === undefined || i.status === status)
        .map((i) => i.containerInstanceArn),
    };
  });
  ecs.on(DescribeContainerInstancesCommand).callsFake(({ containerInstances = [] }) => ({
    containerInstances: containerInstances.flatMap((arn: string) => {
      if (arn === CONTAINER_INSTANCE_ARN) return [view()];
      const other = others.find((o) => arnOf(o.id) === arn);
      return other ? [otherView(other)] : [];
    }),
  }));
  ecs.on(UpdateContainerInstancesStateCommand).callsFake(() => {
    instance.status = "DRAINING";
    instance.drainingSince = clock.now();
    return { containerInstances: [view()] };
  });
  ecs.on(ListTasksCommand).callsFake(({ desiredStatus }) => {
    const indexes = Array.from({ length: mostTasks() }, (_, i) => i);
    const running = (i: number) => i < scheduled();
    return {
      taskArns: indexes
        .filter((i) => (desiredStatus === "RUNNING" ? running(i) : !running(i)))
        .map(taskArn),
    };
  });
  ecs.on(DescribeTasksCommand).callsFake(({ tasks = [] }) => ({
    tasks: tasks.map((arn: string) => {
      const i = Number(arn.split("task").at(-1));
      return {
        taskArn: arn,
        desiredStatus: i < scheduled() ? "RUNNING" : "STOPPED",
        lastStatus: lastStatus(i),
      };
    }),
  }));
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
  /** Looks at the notification's own container instance (not the capacity check's). */
  const describesOfInstance = () =>
    ecs
      .commandCalls(DescribeContainerInstancesCommand)
      .filter((call) => call.args[0].input.containerInstances?.join() === CONTAINER_INSTANCE_ARN);
  return { clock, logs, handler, drain, instance, others, describesOfInstance };
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

    it("ignores lifecycle transitions other than launching and terminating", async () => {
      const { handler, logs } = setUp();

      await invoke(
        handler,
        lifecycleMessage({ LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCH_ERROR" }),
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
      const { handler, clock, describesOfInstance } = setUp({
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
      expect(describesOfInstance()).toHaveLength(1 + 5);
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
      // The mock's tasks have no service group: standalone, so released (and named) at the bound.
      const warning = logs.find((entry) => entry.level === "warn" && entry.action === "complete");
      expect(warning).toMatchObject({ action: "complete", tasksLeft: 3, instanceId: INSTANCE_ID });
      expect(warning?.message).toMatch(/MAX_DRAIN_SECONDS \(1800\).*3 tasks/);
      expect(clock.now() - NOTIFIED_AT).toBeLessThan(31 * MINUTE);
    });
  });

  describe("the max drain time", () => {
    it("releases the instance MAX_DRAIN_SECONDS after DRAINING, not at the next poll after", async () => {
      const { handler, clock, instance } = setUp({
        env: { MAX_DRAIN_SECONDS: "95" },
        tasksLeft: () => 2,
      });
      const completedAt: number[] = [];
      autoScaling.on(CompleteLifecycleActionCommand).callsFake(() => {
        completedAt.push(clock.now());
        return {};
      });

      await invoke(handler, lifecycleMessage());

      expect(completedAt).toEqual([instance.drainingSince + 95_000]);
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
      ["REGISTRATION_TIMEOUT_SECONDS", "ten minutes"],
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

describe("instance drain handler: tasks that are still stopping", () => {
  it("keeps the instance while tasks ECS is stopping have not reached lastStatus STOPPED", async () => {
    // ECS sets desired STOPPED at 25 s; the tasks serve through a 300 s deregistration delay.
    const { handler, clock } = setUp({
      tasksLeft: (ms) => (ms < 25_000 ? 2 : 0),
      stoppingForMs: 300_000,
    });
    const drainingAt = clock.now();
    const completedAt: number[] = [];
    autoScaling.on(CompleteLifecycleActionCommand).callsFake(() => {
      completedAt.push(clock.now() - drainingAt);
      return {};
    });

    await invoke(handler, lifecycleMessage());

    expect(completedAt).toHaveLength(1);
    expect(completedAt[0]).toBeGreaterThanOrEqual(325_000);
    expect(completedAt[0]).toBeLessThan(325_000 + 10_000);
  });

  it("lists the instance's tasks of both desired statuses before believing it is empty", async () => {
    const { handler } = setUp({ tasksLeft: (ms) => (ms < 15_000 ? 1 : 0) });

    await invoke(handler, lifecycleMessage());

    for (const desiredStatus of ["RUNNING", "STOPPED"] as const) {
      expect(ecs).toHaveReceivedCommandWith(ListTasksCommand, {
        cluster: CLUSTER,
        containerInstance: CONTAINER_INSTANCE_ARN,
        desiredStatus,
      });
    }
    expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
  });

  it("watches only the stopping tasks, with one DescribeTasks per poll, until they stop", async () => {
    const { handler, describesOfInstance } = setUp({
      tasksLeft: (ms) => (ms < 5_000 ? 3 : 0),
      stoppingForMs: 120_000,
    });

    await invoke(handler, lifecycleMessage());

    // Describes at 0 and 10 s; then the three stopping tasks alone until they stop at ~125 s.
    expect(describesOfInstance()).toHaveLength(2);
    const describeTasks = ecs.commandCalls(DescribeTasksCommand).length;
    expect(describeTasks).toBeGreaterThanOrEqual(12);
    expect(describeTasks).toBeLessThanOrEqual(14);
    // One listing when nothing is scheduled any more, one to confirm before completing.
    expect(ecs).toHaveReceivedCommandTimes(ListTasksCommand, 4);
  });

  it("keeps watching a task found by the confirming listing", async () => {
    const { handler } = setUp({ tasksLeft: (ms) => (ms < 5_000 ? 1 : 0) });
    let listings = 0;
    ecs.on(ListTasksCommand).callsFake(({ desiredStatus }) => {
      if (desiredStatus !== "STOPPED") return { taskArns: [] };
      // The confirming listing finds a task the first one missed (ListTasks is eventually consistent).
      return { taskArns: ++listings === 1 ? [taskArn(0)] : [taskArn(0), taskArn(7)] };
    });
    const looks = new Map<string, number>();
    ecs.on(DescribeTasksCommand).callsFake(({ tasks = [] }) => ({
      tasks: tasks.map((arn: string) => {
        looks.set(arn, (looks.get(arn) ?? 0) + 1);
        const stillRunning = (looks.get(arn) ?? 0) <= (arn === taskArn(7) ? 2 : 1);
        return { taskArn: arn, lastStatus: stillRunning ? "RUNNING" : "STOPPED" };
      }),
    }));

    await invoke(handler, lifecycleMessage());

    expect(listings).toBe(3);
    expect(ecs).toHaveReceivedCommandWith(DescribeTasksCommand, { tasks: [taskArn(7)] });
    // Running at the confirming listing and the next poll, stopped at the third look; the last
    // confirming listing looks once more.
    expect(looks.get(taskArn(7))).toBe(4);
    expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
  });

  it("treats a task ECS no longer knows as stopped, and throws on any other failure", async () => {
    const { handler } = setUp({ tasksLeft: (ms) => (ms < 5_000 ? 1 : 0), stoppingForMs: MINUTE });
    ecs.on(DescribeTasksCommand).resolves({ failures: [{ arn: taskArn(0), reason: "MISSING" }] });

    await invoke(handler, lifecycleMessage());
    expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);

    ecs.on(DescribeTasksCommand).resolves({ failures: [{ arn: taskArn(0), reason: "ACCESS" }] });
    await expect(invoke(handler, lifecycleMessage())).rejects.toThrow(/DescribeTasks.*ACCESS/);
  });
});

describe("instance drain handler: never draining into nothing", () => {
  const terminating = (id: string): OtherInstance => ({
    id,
    status: "ACTIVE",
    agentConnected: true,
    lifecycleState: "Terminating:Wait",
  });

  it("waits without DRAINING while the only other instances are terminating, then drains once a new one registers", async () => {
    const others = [terminating("i-0aaaaaaaaaaaaaaa1")];
    const { handler, clock, logs, instance } = setUp({
      tasksLeft: (ms) => (ms < 30_000 ? 2 : 0),
      others,
    });
    // A new instance registers 2 minutes after the notification.
    const registersAt = NOTIFIED_AT + 2 * MINUTE;
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      if (clock.now() >= registersAt && others.length === 1) others.push(usableInstance());
    };

    await invoke(handler, lifecycleMessage(), 5 * MINUTE);

    expect(ecs).toHaveReceivedCommandTimes(UpdateContainerInstancesStateCommand, 1);
    expect(instance.drainingSince - NOTIFIED_AT).toBeGreaterThanOrEqual(2 * MINUTE);
    expect(instance.drainingSince - NOTIFIED_AT).toBeLessThan(2 * MINUTE + 10_000);
    expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
    const actions = logs.map((entry) => entry.action);
    expect(actions.slice(0, 2)).toEqual(["wait-for-capacity", "start-draining"]);
    expect(logs[0]).toMatchObject({ level: "warn", tasksLeft: 2 });
  });

  it.each([
    ["agent disconnected", { ...usableInstance(), agentConnected: false }],
    ["DRAINING", { ...usableInstance(), status: "DRAINING" }],
    ["Terminating:Proceed", { ...usableInstance(), lifecycleState: "Terminating:Proceed" }],
    // Registered but still abandonable by the launch hook (issue 16 §2).
    ["in Pending:Wait", { ...usableInstance(), lifecycleState: "Pending:Wait" }],
  ])("does not count another instance that is %s as capacity", async (_case, other) => {
    const { handler } = setUp({ tasksLeft: () => 2, others: [other] });

    await invoke(handler, lifecycleMessage(), 2 * MINUTE);

    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
    // Still waiting: the chain goes on with a heartbeat and a hand-off.
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it.each([
    ["in Pending:Proceed (its launch action completed)", "Pending:Proceed"],
    ["outside any Auto Scaling group", undefined],
  ])("counts an ACTIVE, connected instance %s as capacity", async (_case, lifecycleState) => {
    const { handler } = setUp({
      tasksLeft: (ms) => (ms < 15_000 ? 1 : 0),
      others: [{ ...usableInstance(), lifecycleState }],
    });

    await invoke(handler, lifecycleMessage());

    expect(ecs).toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
  });

  it("drains an instance without tasks even when no other instance exists", async () => {
    const { handler } = setUp({ tasksLeft: () => 0, others: [] });

    await invoke(handler, lifecycleMessage());

    expect(ecs).toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
  });

  it("keeps an instance whose tasks no one could take past the bound: drain-blocked, one alarm per invocation, the hook kept alive by heartbeats and hand-offs", async () => {
    const { handler, logs, clock } = setUp({
      env: { MAX_DRAIN_SECONDS: "120" },
      tasksLeft: () => 2,
      others: [terminating("i-0aaaaaaaaaaaaaaa1")],
    });
    const isAlarm = (input: { Message?: string }) => String(input.Message).includes("DrainBlocked");
    let message = lifecycleMessage();
    for (let invocation = 1; invocation <= 3; invocation++) {
      const before = sns.commandCalls(PublishCommand).length;
      await invoke(handler, message, 15 * MINUTE);
      const published = sns
        .commandCalls(PublishCommand)
        .slice(before)
        .map((c) => c.args[0].input);
      expect([invocation, published.filter(isAlarm).length]).toEqual([invocation, 1]);
      const handOff = published.filter((input) => !isAlarm(input));
      expect([invocation, handOff.length]).toEqual([invocation, 1]);
      message = handOff[0].Message as string;
      clock.advance(500);
    }

    expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    // Every 5 minutes, at each hand-off and as each continuing invocation starts: about 40 minutes.
    expect(
      autoScaling.commandCalls(RecordLifecycleActionHeartbeatCommand).length,
    ).toBeGreaterThanOrEqual(10);
    const alarm = sns
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input)
      .find(isAlarm);
    expect(alarm?.TopicArn).toBe(TOPIC_ARN);
    expect(JSON.parse(String(alarm?.Message))).toEqual({
      DrainBlocked: {
        instanceId: INSTANCE_ID,
        autoScalingGroupName: ASG_NAME,
        cluster: CLUSTER,
        reason: expect.stringMatching(/still no other instance could take the 2 tasks/),
      },
    });
    const blocked = logs.filter((entry) => entry.action === "drain-blocked");
    expect(blocked).toHaveLength(3);
    expect(blocked[0]).toMatchObject({ level: "error", tasksLeft: 2, instanceId: INSTANCE_ID });
  });

  it("fails the invocation that receives a blocked-drain alarm, touching nothing, so the errors alarm fires", async () => {
    const { handler, logs } = setUp();
    const alarm = JSON.stringify({
      DrainBlocked: {
        instanceId: INSTANCE_ID,
        autoScalingGroupName: ASG_NAME,
        cluster: CLUSTER,
        reason: "no capacity",
      },
    });

    await expect(invoke(handler, alarm)).rejects.toThrow(
      expect.objectContaining({
        name: "DrainBlockedError",
        message: expect.stringMatching(/i-0123456789abcdef0.*no capacity/),
      }),
    );
    expectNoAwsCalls();
    expect(logs).toEqual([
      expect.objectContaining({ level: "error", action: "drain-blocked-alarm" }),
    ]);
  });

  it("gives a drain that waited for capacity past the bound its whole drain time once DRAINING", async () => {
    const others = [terminating("i-0aaaaaaaaaaaaaaa1")];
    const { handler, clock, instance } = setUp({
      env: { MAX_DRAIN_SECONDS: "120" },
      tasksLeft: (ms) => (ms < 90_000 ? 2 : 0),
      stoppingForMs: 20_000,
      others,
    });
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      if (clock.now() >= NOTIFIED_AT + 5 * MINUTE && others.length === 1)
        others.push(usableInstance());
    };
    const completedAt: number[] = [];
    autoScaling.on(CompleteLifecycleActionCommand).callsFake(() => {
      completedAt.push(clock.now());
      return {};
    });

    await invoke(handler, lifecycleMessage());

    // DRAINING at ~5 min; the tasks move in 90 s and stop 20 s later: released then, not at once.
    const since = instance.drainingSince;
    expect(since - NOTIFIED_AT).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(completedAt).toHaveLength(1);
    expect(completedAt[0] - since).toBeGreaterThanOrEqual(110_000);
    expect(completedAt[0] - since).toBeLessThan(120_000);
  });

  it("carries the time DRAINING was set to the next invocation, whose drain timeout counts from it", async () => {
    const { handler, clock, instance } = setUp({
      env: { MAX_DRAIN_SECONDS: "1200" },
      tasksLeft: () => 1,
    });
    await invoke(handler, lifecycleMessage(), 5 * MINUTE);
    const [handOff] = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(handOff.MessageAttributes).toEqual({
      drainingSince: { DataType: "Number", StringValue: String(instance.drainingSince) },
    });

    // The next invocation gets the attribute as Lambda delivers SNS attributes.
    const event = snsEvent(handOff.Message as string);
    event.Records[0].Sns.MessageAttributes = {
      drainingSince: { Type: "Number", Value: String(instance.drainingSince) },
    };
    const completedAt: number[] = [];
    autoScaling.on(CompleteLifecycleActionCommand).callsFake(() => {
      completedAt.push(clock.now());
      return {};
    });
    clock.advance(500);
    await handler(event, { getRemainingTimeInMillis: () => 30 * MINUTE });
    expect(completedAt).toEqual([instance.drainingSince + 1_200_000]);
  });
});

describe("instance drain handler: only real lifecycle notifications act", () => {
  it.each([
    ["InService", {}],
    ["Terminating:Proceed (a stale duplicate)", { lifecycleState: "Terminating:Proceed" }],
    ["in another group", { autoScalingGroupName: "someone-elses-asg" }],
  ])("drains nothing for a termination notification whose instance is %s", async (_case, state) => {
    const { handler, logs } = setUp({ lifecycleState: "InService", ...state });

    await invoke(handler, lifecycleMessage());

    expect(ecs.calls()).toHaveLength(0);
    expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
    expect(logs).toEqual([expect.objectContaining({ level: "warn", action: "reject-unverified" })]);
  });

  it("drains nothing for an instance Auto Scaling does not know", async () => {
    const { handler, logs } = setUp();
    autoScaling.on(DescribeAutoScalingInstancesCommand).resolves({ AutoScalingInstances: [] });

    await invoke(handler, lifecycleMessage());

    expect(ecs.calls()).toHaveLength(0);
    expect(logs[0].message).toMatch(/in no Auto Scaling group, not Terminating:Wait/);
  });

  it("looks again when Auto Scaling still reports the state before Terminating:Wait, then drains", async () => {
    const { handler } = setUp({ tasksLeft: () => 0 });
    let looks = 0;
    autoScaling.on(DescribeAutoScalingInstancesCommand).callsFake(({ InstanceIds = [] }) => ({
      AutoScalingInstances: InstanceIds.map((id: string) => ({
        InstanceId: id,
        AutoScalingGroupName: id === INSTANCE_ID ? ASG_NAME : "new",
        LifecycleState:
          id === INSTANCE_ID && ++looks < 3
            ? "Terminating"
            : id === INSTANCE_ID
              ? "Terminating:Wait"
              : "InService",
      })),
    }));

    await invoke(handler, lifecycleMessage());

    expect(looks).toBe(3);
    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
  });

  it("gives up after a few looks when the state never becomes Terminating:Wait", async () => {
    const { handler, logs } = setUp({ lifecycleState: "Terminating" });

    await invoke(handler, lifecycleMessage());

    expect(autoScaling).toHaveReceivedCommandTimes(DescribeAutoScalingInstancesCommand, 4);
    expect(ecs.calls()).toHaveLength(0);
    expect(logs).toEqual([expect.objectContaining({ level: "warn", action: "reject-unverified" })]);
  });

  it("asks Auto Scaling about exactly the notification's instance", async () => {
    const { handler } = setUp();

    await invoke(handler, lifecycleMessage());

    const [first] = autoScaling.commandCalls(DescribeAutoScalingInstancesCommand);
    expect(first.args[0].input).toEqual({ InstanceIds: [INSTANCE_ID] });
  });
});

describe("instance drain handler: launching instances", () => {
  const launching = lifecycleMessage({
    LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
    LifecycleHookName: "await-ecs-registration",
  });

  it("completes a launching instance with CONTINUE only once it is ACTIVE with its agent connected, and never drains", async () => {
    const { handler, clock, instance, logs } = setUp({
      lifecycleState: "Pending:Wait",
      registered: false,
    });
    const continuedAt: number[] = [];
    autoScaling.on(CompleteLifecycleActionCommand).callsFake(({ LifecycleActionResult }) => {
      continuedAt.push(clock.now() - NOTIFIED_AT);
      expect(LifecycleActionResult).toBe("CONTINUE");
      return {};
    });
    const sleep = clock.sleep;
    clock.sleep = async (ms) => {
      await sleep(ms);
      const sinceNotified = clock.now() - NOTIFIED_AT;
      // Registers at 60 s, agent connects at 90 s.
      instance.registered = sinceNotified >= 60_000;
      instance.agentConnected = sinceNotified >= 90_000;
    };

    await invoke(handler, launching);

    expect(continuedAt).toEqual([91_000]);
    expect(ecs).not.toHaveReceivedCommand(UpdateContainerInstancesStateCommand);
    expect(ecs).not.toHaveReceivedCommand(ListTasksCommand);
    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      LifecycleHookName: "await-ecs-registration",
      InstanceId: INSTANCE_ID,
      LifecycleActionResult: "CONTINUE",
    });
    expect(logs.at(-1)).toMatchObject({ level: "info", action: "admit" });
  });

  it("abandons an instance that has not registered within REGISTRATION_TIMEOUT_SECONDS", async () => {
    const { handler, clock, logs } = setUp({
      lifecycleState: "Pending:Wait",
      registered: false,
      env: { REGISTRATION_TIMEOUT_SECONDS: "300" },
    });

    await invoke(handler, launching);

    expect(autoScaling).toHaveReceivedCommandTimes(CompleteLifecycleActionCommand, 1);
    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      LifecycleActionResult: "ABANDON",
    });
    expect(clock.now()).toBe(NOTIFIED_AT + 300_000);
    expect(logs.at(-1)).toMatchObject({ level: "warn", action: "abandon" });
    expect(logs.at(-1)?.message).toMatch(/REGISTRATION_TIMEOUT_SECONDS \(300\): not registered/);
  });

  it("hands a long registration wait to the next invocation without a heartbeat", async () => {
    const { handler } = setUp({ lifecycleState: "Pending:Wait", registered: false });

    await invoke(handler, launching, 3 * MINUTE);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(autoScaling).not.toHaveReceivedCommand(RecordLifecycleActionHeartbeatCommand);
    expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
  });

  it("acts on a launch notification only while the instance is in Pending:Wait", async () => {
    const { handler, logs } = setUp({ lifecycleState: "InService" });

    await invoke(handler, launching);

    expect(ecs.calls()).toHaveLength(0);
    expect(autoScaling).not.toHaveReceivedCommand(CompleteLifecycleActionCommand);
    expect(logs[0].message).toMatch(/not Pending:Wait/);
  });
});

describe("instance drain handler: a cluster that does not exist", () => {
  const clusterNotFound = () =>
    new ECSServiceException({
      name: "ClusterNotFoundException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
      message: "Cluster not found.",
    });

  it("completes a terminating instance: there is nothing to drain", async () => {
    const { handler, logs } = setUp();
    ecs.on(ListContainerInstancesCommand).rejects(clusterNotFound());

    await expect(invoke(handler, lifecycleMessage())).resolves.toBeUndefined();

    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, completion);
    expect(logs.at(-1)).toMatchObject({
      action: "complete",
      message: expect.stringMatching(/ClusterNotFoundException/),
    });
  });

  it("abandons a launching instance: it could never take tasks", async () => {
    const { handler, logs } = setUp({ lifecycleState: "Pending:Wait" });
    ecs.on(ListContainerInstancesCommand).rejects(clusterNotFound());

    await invoke(
      handler,
      lifecycleMessage({ LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING" }),
    );

    expect(autoScaling).toHaveReceivedCommandWith(CompleteLifecycleActionCommand, {
      LifecycleActionResult: "ABANDON",
    });
    expect(logs.at(-1)).toMatchObject({ level: "error", action: "abandon" });
  });
});
