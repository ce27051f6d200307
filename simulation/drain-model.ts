import {
  AutoScalingClient,
  AutoScalingServiceException,
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
} from "@aws-sdk/client-auto-scaling";
import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListTasksCommand,
  UpdateContainerInstancesStateCommand,
  type ContainerInstance,
} from "@aws-sdk/client-ecs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { AwsClients } from "../lambda/instance-drain/aws-clients";
import type { VirtualClock } from "./clock";
import {
  InstanceLifecycle,
  TERMINATING,
  type GroupInstance,
  type HookedGroup,
} from "./aws/group-instances";
import type { DrainHandler } from "../lambda/instance-drain/handler";
import {
  ASG_NAME,
  CONTAINER_INSTANCE_ARN,
  HOOK_NAME,
  INSTANCE_ID,
  lifecycleMessage,
  NOTIFIED_AT,
  snsEvent,
  TOPIC_ARN,
} from "./drain-fixtures";

// The same notification and ids as the handler's unit tests.
export { lifecycleMessage, NOTIFIED_AT, TOPIC_ARN };

/** The new group's instance the tasks move to: ACTIVE, agent connected, InService. */
const NEW_INSTANCE_ID = "i-0fedcba9876543210";
const NEW_INSTANCE_ARN =
  "arn:aws:ecs:us-east-1:123456789012:container-instance/apps-staging/0fedcba98765";

/**
 * A virtual-time model of one terminating instance and the topic, shared by the drain benchmark
 * and the handler's property tests so both judge the handler by one model. The instance's
 * termination hook is the simulated AWS's (`InstanceLifecycle`: heartbeat, completion, timeout)
 * on the same clock; its tasks are scripted here, each stopping when the scenario says, which
 * the simulated ECS's scheduler does not offer. API calls take no virtual time (thousands of
 * drains, hundreds of thousands of calls, in seconds); only sleeps and SNS deliveries move the
 * clock.
 */

/** One task on the instance. */
export interface SimulatedTask {
  /** Placed but not yet running for this long after the notification. */
  readonly pendingForMs: number;
  /** ECS decides to stop it (desired status STOPPED) this long after the instance was set DRAINING. */
  readonly stopsAfterMs: number;
  /**
   * From then until its last status is STOPPED: the load balancer's deregistration delay and the
   * task's stop timeout, while it still serves. @default 0
   */
  readonly stoppingForMs?: number;
}

export interface InstanceScenario {
  readonly tasks: readonly SimulatedTask[];
  /** A duplicate delivery: the instance was set DRAINING at the notification. */
  readonly alreadyDraining?: boolean;
  /** The hook's heartbeat timeout: without a heartbeat or completion, the instance goes then. */
  readonly hookHeartbeatTimeoutMs: number;
  /**
   * The new group's instance is InService this long after the notification; before that no
   * other instance could take the tasks. @default 0
   */
  readonly capacityAfterMs?: number;
  /**
   * The tasks' `group`: `service:<name>` makes a task still desired RUNNING at the drain bound
   * hold the instance. @default "family:app" — standalone tasks
   */
  readonly taskGroup?: string;
}

/** ECS, Auto Scaling and SNS as far as the drain of one instance sees them. */
export class DrainModel {
  /** Calls per API action, e.g. `ecs:DescribeContainerInstances`. */
  readonly calls = new Map<string, number>();
  /** Every CompleteLifecycleAction that Auto Scaling accepted, with the tasks left then. */
  readonly completions: { readonly at: number; readonly tasksLeft: number }[] = [];
  /** Every message published, in order. */
  readonly published: { readonly topicArn?: string; readonly message?: string }[] = [];
  /** The message attributes of each published message (`drainingSince`, `heldUntil`). */
  readonly messageAttributes: Record<string, string>[] = [];
  private status: string;
  /** When the instance was set DRAINING (Infinity until then): where the drain bound starts. */
  drainingSince: number;
  private readonly lifecycle: InstanceLifecycle;
  private readonly group: HookedGroup;
  private readonly instance: GroupInstance = {
    InstanceId: INSTANCE_ID,
    AvailabilityZone: "us-east-1a",
    LifecycleState: "InService",
    LaunchConfigurationName: ASG_NAME,
    InstanceType: "t3.large",
  };
  private completedAt: number | undefined;
  private terminatedAt: number | undefined;

  /** At NOTIFIED_AT on `clock`: the instance enters Terminating:Wait and the hook notifies. */
  constructor(
    readonly clock: VirtualClock,
    readonly scenario: InstanceScenario,
  ) {
    this.status = scenario.alreadyDraining ? "DRAINING" : "ACTIVE";
    this.drainingSince = scenario.alreadyDraining ? NOTIFIED_AT : Infinity;
    const ignore = () => undefined;
    this.lifecycle = new InstanceLifecycle(
      {
        notify: ignore,
        launched: ignore,
        terminated: () => (this.terminatedAt = clock.now()),
        log: ignore,
      },
      clock,
    );
    this.group = {
      name: ASG_NAME,
      hooks: [
        {
          LifecycleHookName: HOOK_NAME,
          LifecycleTransition: TERMINATING,
          HeartbeatTimeout: scenario.hookHeartbeatTimeoutMs / 1000,
          DefaultResult: "CONTINUE",
        },
      ],
      removed: ignore,
    };
    this.lifecycle.terminate(this.group, this.instance);
  }

  get apiCalls(): number {
    return [...this.calls.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Counts a call this model does not otherwise answer (the strategies' extra look-ups). */
  count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
  }

  /** Tasks whose desired status is still RUNNING, as ECS's instance counts show them. */
  tasksLeft(at = this.clock.now()): { running: number; pending: number } {
    const left = this.scenario.tasks.filter((task) => at < this.drainingSince + task.stopsAfterMs);
    const pending = left.filter((task) => at < NOTIFIED_AT + task.pendingForMs).length;
    return { running: left.length - pending, pending };
  }

  /** Indexes of the tasks whose last status is not yet STOPPED: they still serve. */
  notStopped(at = this.clock.now()): number[] {
    return this.scenario.tasks.flatMap((task, i) => (at < this.stoppedAt(task) ? [i] : []));
  }

  /** When the last task reached STOPPED, or will: never, while the instance is not DRAINING. */
  get lastTaskStopsAt(): number {
    return Math.max(this.drainingSince, ...this.scenario.tasks.map((t) => this.stoppedAt(t)));
  }

  private stoppedAt(task: SimulatedTask): number {
    return this.drainingSince + task.stopsAfterMs + (task.stoppingForMs ?? 0);
  }

  /** When the instance was let go (Infinity while its hook holds it). */
  get releasedAt(): number {
    return this.terminatedAt ?? Infinity;
  }

  /** Completed, or the hook's heartbeat timeout ran out. */
  get releasedBy(): "completion" | "hook timeout" {
    return this.completedAt === this.terminatedAt ? "completion" : "hook timeout";
  }

  /** Lets time pass until the hook lets the instance go, if nothing completes it meanwhile. */
  awaitRelease(): void {
    if (this.hookActive) this.clock.advance(this.scenario.hookHeartbeatTimeoutMs);
  }

  private get hookActive(): boolean {
    return this.instance.LifecycleState === "Terminating:Wait";
  }

  listContainerInstances(): string[] {
    this.count("ecs:ListContainerInstances");
    return this.hookActive ? [CONTAINER_INSTANCE_ARN] : [];
  }

  /** The cluster's ACTIVE instances: this one until DRAINING, and the new group's. */
  listActiveContainerInstances(): string[] {
    this.count("ecs:ListContainerInstances");
    const capacity = this.hasCapacity() ? [NEW_INSTANCE_ARN] : [];
    return [...(this.status === "ACTIVE" ? [CONTAINER_INSTANCE_ARN] : []), ...capacity];
  }

  private hasCapacity(): boolean {
    return this.clock.now() >= NOTIFIED_AT + (this.scenario.capacityAfterMs ?? 0);
  }

  describeContainerInstances(arns: readonly string[]): ContainerInstance[] {
    this.count("ecs:DescribeContainerInstances");
    return arns.map((arn) =>
      arn === NEW_INSTANCE_ARN
        ? {
            containerInstanceArn: arn,
            ec2InstanceId: NEW_INSTANCE_ID,
            status: "ACTIVE",
            agentConnected: true,
          }
        : this.view(),
    );
  }

  listTasks(desiredStatus: string | undefined): string[] {
    this.count("ecs:ListTasks");
    return this.listTasksQuietly(desiredStatus);
  }

  private listTasksQuietly(desiredStatus: string | undefined): string[] {
    const now = this.clock.now();
    return this.scenario.tasks.flatMap((task, i) => {
      const desired = now < this.drainingSince + task.stopsAfterMs ? "RUNNING" : "STOPPED";
      return desired === desiredStatus ? [taskArnOf(i)] : [];
    });
  }

  describeTasks(
    arns: readonly string[],
  ): { taskArn: string; lastStatus: string; desiredStatus: string; group: string }[] {
    this.count("ecs:DescribeTasks");
    const running = new Set(this.notStopped().map(taskArnOf));
    const desiredRunning = new Set(this.listTasksQuietly("RUNNING"));
    return arns.map((arn) => ({
      taskArn: arn,
      lastStatus: running.has(arn) ? "RUNNING" : "STOPPED",
      desiredStatus: desiredRunning.has(arn) ? "RUNNING" : "STOPPED",
      group: this.scenario.taskGroup ?? "family:app",
    }));
  }

  describeAutoScalingInstances(ids: readonly string[]): object[] {
    this.count("autoscaling:DescribeAutoScalingInstances");
    return ids.flatMap((id) => {
      if (id === NEW_INSTANCE_ID)
        return [{ InstanceId: id, AutoScalingGroupName: "new", LifecycleState: "InService" }];
      if (id !== INSTANCE_ID || !this.hookActive) return [];
      return [
        { InstanceId: id, AutoScalingGroupName: ASG_NAME, LifecycleState: "Terminating:Wait" },
      ];
    });
  }

  describeContainerInstance(): ContainerInstance {
    this.count("ecs:DescribeContainerInstances");
    return this.view();
  }

  setDraining(): ContainerInstance {
    this.count("ecs:UpdateContainerInstancesState");
    if (this.status === "ACTIVE") {
      this.status = "DRAINING";
      this.drainingSince = this.clock.now();
    }
    return this.view();
  }

  completeLifecycleAction(): void {
    this.count("autoscaling:CompleteLifecycleAction");
    const tasksLeft = this.notStopped().length;
    if (!this.lifecycle.complete(this.group, this.instance, HOOK_NAME, "CONTINUE")) {
      throw noActiveAction();
    }
    this.completedAt = this.clock.now();
    this.completions.push({ at: this.completedAt, tasksLeft });
  }

  recordHeartbeat(): void {
    this.count("autoscaling:RecordLifecycleActionHeartbeat");
    if (!this.lifecycle.heartbeat(this.group, this.instance, HOOK_NAME)) throw noActiveAction();
  }

  publish(topicArn?: string, message?: string, attributes: Record<string, string> = {}): void {
    this.count("sns:Publish");
    this.published.push({ topicArn, message });
    this.messageAttributes.push(attributes);
  }

  /** Real SDK clients whose `send` is answered by this model, as the handler's dependencies. */
  clients(): AwsClients {
    const answer = async (command: object): Promise<object> => {
      if (command instanceof ListContainerInstancesCommand) {
        const arns = command.input.status
          ? this.listActiveContainerInstances()
          : this.listContainerInstances();
        return { containerInstanceArns: arns };
      }
      if (command instanceof DescribeContainerInstancesCommand) {
        return {
          containerInstances: this.describeContainerInstances(
            command.input.containerInstances ?? [],
          ),
        };
      }
      if (command instanceof ListTasksCommand) {
        return { taskArns: this.listTasks(command.input.desiredStatus) };
      }
      if (command instanceof DescribeServicesCommand) {
        this.count("ecs:DescribeServices");
        const names = command.input.services ?? [];
        return {
          services: names.map((serviceName) => ({ serviceName, schedulingStrategy: "REPLICA" })),
        };
      }
      if (command instanceof DescribeTasksCommand) {
        return { tasks: this.describeTasks(command.input.tasks ?? []) };
      }
      if (command instanceof DescribeAutoScalingInstancesCommand) {
        return {
          AutoScalingInstances: this.describeAutoScalingInstances(command.input.InstanceIds ?? []),
        };
      }
      if (command instanceof UpdateContainerInstancesStateCommand) {
        return { containerInstances: [this.setDraining()] };
      }
      if (command instanceof CompleteLifecycleActionCommand) this.completeLifecycleAction();
      else if (command instanceof RecordLifecycleActionHeartbeatCommand) this.recordHeartbeat();
      else if (command instanceof PublishCommand) {
        const { TopicArn, Message, MessageAttributes } = command.input;
        const attributes = Object.entries(MessageAttributes ?? {}).map(
          ([name, value]) => [name, String(value.StringValue)] as const,
        );
        this.publish(TopicArn, Message, Object.fromEntries(attributes));
      } else throw new Error(`The simulation does not model ${command.constructor.name}`);
      return {};
    };
    const send = async (command: object) => ({ $metadata: {}, ...(await answer(command)) });
    return {
      ecs: Object.assign(new ECSClient({}), { send }),
      autoScaling: Object.assign(new AutoScalingClient({}), { send }),
      sns: Object.assign(new SNSClient({}), { send }),
    };
  }

  private view(): ContainerInstance {
    const { running, pending } = this.tasksLeft();
    return {
      containerInstanceArn: CONTAINER_INSTANCE_ARN,
      ec2InstanceId: INSTANCE_ID,
      status: this.status,
      agentConnected: true,
      runningTasksCount: running,
      pendingTasksCount: pending,
    };
  }
}

/** What Auto Scaling answers for an action that is no longer active. */
function noActiveAction(): AutoScalingServiceException {
  return new AutoScalingServiceException({
    name: "ValidationError",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: `No active Lifecycle Action found with instance ID ${INSTANCE_ID}`,
  });
}

function taskArnOf(i: number): string {
  return `arn:aws:ecs:us-east-1:123456789012:task/apps-staging/${i}`;
}

export interface DeliveryOptions {
  /** The Lambda timeout. */
  readonly timeoutMs: number;
  /** From the notification's `Time` to the first invocation. */
  readonly firstDeliveryMs: number;
  /** SNS delivery delay of the n-th re-published message (n from 0). */
  readonly redeliveryMs: (n: number) => number;
}

export interface DeliveryResult {
  readonly invocations: number;
  /** Invocations that ran past the Lambda timeout (Lambda would have killed them). */
  readonly overruns: number;
}

/**
 * Invokes `handler` as SNS and Lambda would: the notification first, then each re-published
 * message after its delivery delay, until an invocation publishes nothing.
 */
export async function deliver(
  handler: DrainHandler,
  sim: DrainModel,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  let invocations = 0;
  let overruns = 0;
  let next: string | undefined = lifecycleMessage();
  let attributes: Record<string, string> = {};
  sim.clock.advanceTo(NOTIFIED_AT + options.firstDeliveryMs);
  while (next !== undefined) {
    const startedAt = sim.clock.now();
    const publishedBefore = sim.published.length;
    const event = snsEvent(next);
    // As Lambda delivers SNS message attributes: each hand-off carries the drain's start.
    event.Records[0].Sns.MessageAttributes = Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { Type: "Number", Value: value }]),
    );
    await handler(event, { getRemainingTimeInMillis: () => options.timeoutMs });
    if (sim.clock.now() > startedAt + options.timeoutMs) overruns++;
    // A blocked drain also publishes its alarm, which a separate invocation receives and fails
    // on (the errors alarm); only the hand-off continues the drain.
    const handOff = sim.published
      .map((published, i) => ({ ...published, attributes: sim.messageAttributes[i] }))
      .slice(publishedBefore)
      .find(({ message }) => !(message ?? "").includes('"DrainBlocked"'));
    next = handOff?.message;
    attributes = handOff?.attributes ?? {};
    sim.clock.advanceTo(sim.clock.now() + options.redeliveryMs(invocations));
    invocations++;
  }
  sim.awaitRelease();
  return { invocations, overruns };
}
