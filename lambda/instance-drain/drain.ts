import type { AwsClients } from "./aws-clients";
import { usableInstances } from "./capacity";
import type { Clock } from "./clock";
import type { DrainConfig } from "./contract";
import {
  describeContainerInstance,
  findContainerInstanceArn,
  startDraining,
  type ContainerInstanceState,
} from "./container-instance";
import { handOff, raiseDrainBlockedAlarm } from "./own-topic";
import type { LifecycleRequest } from "./messages";
import { completeLifecycleAction, recordHeartbeat } from "./lifecycle-action";
import type { LogLevel, Logger } from "./log";
import {
  daemonServices,
  servicesOf,
  standaloneTasks,
  stillNotStopped,
  tasksNotStopped,
  wantedTasks,
} from "./tasks";
import { HEARTBEAT_INTERVAL_MS, SAFETY_MARGIN_MS } from "./contract";

/**
 * The first delivery of a notification arrives within seconds; one older than this reaches an
 * invocation that continues a drain, or Lambda's retry of one that failed.
 */
const FIRST_DELIVERY_MS = 60_000;

/** What the drain runs on; injected so tests and the benchmark control time and AWS. */
export interface DrainDependencies extends AwsClients {
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * Drains one terminating instance and then lets it go.
 *
 * - Tasks count as left until they reach `lastStatus` STOPPED, not when ECS decides to stop them
 *   (`runningTasksCount` drops at once, while the task still serves through the load balancer's
 *   deregistration delay and its stop timeout).
 * - The instance is set DRAINING only while another instance can take its tasks (ACTIVE, agent
 *   connected, not itself terminating); until then the function waits, keeping the hook alive.
 * - `MAX_DRAIN_SECONDS` after DRAINING was set the instance is released even with tasks left
 *   (standalone tasks are named in the log), but never while a service still wants one of its
 *   tasks RUNNING there: ECS has no healthy replacement yet. Then, and when no capacity has
 *   appeared `MAX_DRAIN_SECONDS` after the notification, the drain is blocked: the function
 *   keeps the instance (for as long as the hook's global timeout allows) and raises the alarm
 *   once per invocation ({@link raiseDrainBlockedAlarm}).
 * - Near the end of the invocation it records a heartbeat and re-publishes the notification
 *   (with the time DRAINING was set), and the next invocation carries on.
 */
export async function drainInstance(
  deps: DrainDependencies,
  config: DrainConfig,
  request: LifecycleRequest,
): Promise<void> {
  await new InstanceDrain(deps, config, request).run();
}

/** Tasks left on the instance, as last observed. */
interface TasksLeft {
  /** Tasks ECS still wants here (desired RUNNING, or PENDING): they need another instance. */
  readonly scheduled: number;
  /**
   * Once nothing is scheduled: the tasks ECS is stopping that have not reached STOPPED. Then
   * only these are watched (a DRAINING instance gets no new tasks), one DescribeTasks per poll.
   */
  readonly stopping?: readonly string[];
}

const total = (tasks: TasksLeft) => tasks.scheduled + (tasks.stopping?.length ?? 0);

/** One drain within one invocation. */
class InstanceDrain {
  private heartbeatAt: number;
  /** When the instance was set DRAINING (by this chain of invocations); the drain timeout's start. */
  private drainingSince: number | undefined;
  /** How long to wait for capacity before the drain counts as blocked. */
  private readonly capacityDeadline: number;
  private instance: ContainerInstanceState | undefined;
  private tasks: TasksLeft = { scheduled: 0 };
  /** Whether the tasks listed in `tasks.stopping` came from a full listing of the instance. */
  private stoppingListedInFull = false;
  private waitingForCapacityLogged = false;
  private blocked = false;
  /** The last look that found a service still wanting a task RUNNING here past the bound. */
  private heldUntil: number | undefined;
  private waitingAfterHoldLogged = false;
  /** Services whose scheduling strategy was looked up: true for a daemon. */
  private readonly daemonChecked = new Map<string, boolean>();
  private capacity: readonly string[] | undefined;

  constructor(
    private readonly deps: DrainDependencies,
    private readonly config: DrainConfig,
    private readonly request: LifecycleRequest,
  ) {
    this.heartbeatAt = request.notification.issuedAt;
    this.drainingSince = request.drainingSince;
    this.heldUntil = request.heldUntil;
    this.capacityDeadline = request.notification.issuedAt + config.drainTimeoutMs;
  }

  async run(): Promise<void> {
    const { clock, ecs } = this.deps;
    const { notification, cluster } = this.request;
    // A failed invocation never reached its hand-off heartbeat, and Lambda retries it minutes
    // later: restart the hook's heartbeat first so the hook outlives the gap.
    if (clock.now() - notification.issuedAt > FIRST_DELIVERY_MS) {
      if (!(await this.heartbeat({}))) return;
      this.decide("info", "continue", "Continuing the drain: recorded a heartbeat", {});
    }

    const arn = await findContainerInstanceArn(ecs, cluster, notification.instanceId);
    if (arn === undefined) return this.complete("info", "not registered in the cluster");

    let observedAt = clock.now();
    this.instance = await describeContainerInstance(ecs, cluster, arn);
    // Set DRAINING by someone else (or by a chain that lost its record of when): count from the
    // notification, as a drain that started at once would.
    if (this.instance !== undefined && this.instance.status !== "ACTIVE") {
      this.drainingSince ??= notification.issuedAt;
    }
    for (;;) {
      if (this.instance?.status === "ACTIVE") await this.startDrainingIfSafe(arn);
      if (this.instance === undefined) {
        return this.complete("info", "deregistered from the cluster");
      }
      // Tasks are counted once DRAINING is set, so none placed meanwhile is missed.
      const draining = this.instance.status !== "ACTIVE";
      if (draining) await this.countTasks(arn);
      else this.tasks = { scheduled: this.instance.scheduledTasks };
      if (draining && total(this.tasks) === 0) return this.complete("info", "no tasks left");

      const now = clock.now();
      const deadline = this.deadline();
      if (now >= deadline && (await this.atDeadline(draining, arn))) return;
      if (now - this.heartbeatAt >= HEARTBEAT_INTERVAL_MS) {
        if (!(await this.heartbeat(this.tasksField()))) return;
        this.decide("info", "heartbeat", "Still draining: recorded a heartbeat", this.tasksField());
      }
      // A fixed cadence (not "sleep after each call") keeps completion within one poll interval.
      // Before the deadline, the deadline itself is the last look; past it, the cadence goes on.
      const nextPoll = observedAt + this.config.pollMs;
      const nextPollAt = now < deadline ? Math.min(nextPoll, deadline) : nextPoll;
      if (nextPollAt + SAFETY_MARGIN_MS > this.request.invocationDeadline) {
        return this.endInvocation();
      }
      await clock.sleep(Math.max(0, nextPollAt - now));
      observedAt = clock.now();
      this.capacity = undefined;
      // A DRAINING instance with nothing scheduled gets no new tasks: only the stopping ones matter.
      if (this.tasks.stopping === undefined) {
        this.instance = await describeContainerInstance(ecs, cluster, arn);
      }
    }
  }

  /** The drain timeout once DRAINING; before it, how long capacity may take to appear. */
  private deadline(): number {
    return this.drainingSince === undefined
      ? this.capacityDeadline
      : this.drainingSince + this.config.drainTimeoutMs;
  }

  /** Updates `tasks` from the last look at the instance (and its stopping tasks). */
  private async countTasks(arn: string): Promise<void> {
    const { ecs } = this.deps;
    const { cluster } = this.request;
    const instance = this.instance as ContainerInstanceState;
    if (this.tasks.stopping === undefined && instance.scheduledTasks > 0) {
      this.tasks = { scheduled: instance.scheduledTasks };
      return;
    }
    const watched = this.tasks.stopping;
    let stopping =
      watched === undefined
        ? await tasksNotStopped(ecs, cluster, arn)
        : await stillNotStopped(ecs, cluster, watched);
    this.stoppingListedInFull = watched === undefined;
    // The watched tasks have stopped: list the instance once more before believing it is empty.
    if (stopping.length === 0 && !this.stoppingListedInFull) {
      stopping = await tasksNotStopped(ecs, cluster, arn);
      this.stoppingListedInFull = true;
    }
    if (watched === undefined && stopping.length > 0) {
      this.decide("info", "wait-for-stop", "ECS is stopping the tasks; waiting for STOPPED", {
        tasksLeft: stopping.length,
      });
    }
    this.tasks = { scheduled: 0, stopping };
  }

  /**
   * Sets the instance DRAINING, unless it holds tasks that no other instance could take: ECS
   * would stop them with nowhere to start their replacements.
   */
  private async startDrainingIfSafe(arn: string): Promise<void> {
    const { ecs } = this.deps;
    const { cluster } = this.request;
    const scheduled = this.instance?.scheduledTasks ?? 0;
    let usable: readonly string[] = [];
    if (scheduled > 0) {
      usable = await this.usableCapacity();
      if (usable.length === 0) {
        if (!this.waitingForCapacityLogged) {
          this.waitingForCapacityLogged = true;
          this.decide(
            "warn",
            "wait-for-capacity",
            "Not draining yet: no other ACTIVE, agent-connected, InService instance could take the tasks",
            { tasksLeft: scheduled },
          );
        }
        return;
      }
    }
    this.instance = await startDraining(ecs, cluster, arn);
    this.drainingSince = this.deps.clock.now();
    this.decide("info", "start-draining", "Set the container instance to DRAINING", {
      containerInstanceArn: arn,
      tasksLeft: scheduled,
      usableInstances: usable.length,
    });
  }

  /**
   * Past the deadline. A DRAINING instance is released (true) unless a service still wants one
   * of its tasks RUNNING: ECS then has no healthy replacement elsewhere yet (the tasks do not
   * fit, a placement constraint or host port, or the new AMI breaks the app), and releasing the
   * instance would kill the service's last healthy copies. Standalone tasks (RunTask) are
   * released: nothing would start them anywhere else, however long we waited. An instance still
   * waiting for capacity is kept too. Both are a blocked drain: kept, logged, the alarm raised.
   */
  private async atDeadline(draining: boolean, arn: string): Promise<boolean> {
    const bound = this.config.drainTimeoutMs / 1000;
    const tasksLeft = total(this.tasks);
    let why: string;
    let services: string[] = [];
    if (draining) {
      const { ecs } = this.deps;
      const wanted =
        this.tasks.scheduled > 0 ? await wantedTasks(ecs, this.request.cluster, arn) : [];
      services = servicesOf(wanted);
      // A service's scheduling strategy does not change: asked once per invocation.
      const unknown = services.filter((service) => !this.daemonChecked.has(service));
      if (unknown.length > 0) {
        const daemons = await daemonServices(ecs, this.request.cluster, unknown);
        for (const service of unknown) this.daemonChecked.set(service, daemons.has(service));
      }
      services = services.filter((service) => this.daemonChecked.get(service) !== true);
      const now = this.deps.clock.now();
      if (services.length === 0 && this.stoppingAfterHold(now)) return false;
      if (services.length === 0) {
        const standalone = standaloneTasks(wanted);
        if (standalone.length > 0) {
          this.decide(
            "warn",
            "release-standalone",
            `MAX_DRAIN_SECONDS (${bound}) passed: releasing ${standalone.length} standalone task(s) no service will start elsewhere: ${standalone.map(({ arn: task, group }) => `${task} (${group || "no group"})`).join(", ")}`,
            {
              tasks: standalone.map(({ arn: task }) => task),
              groups: standalone.map((t) => t.group),
            },
          );
        }
        const reason = `MAX_DRAIN_SECONDS (${bound}) passed with ${tasksLeft} tasks not yet stopped`;
        await this.complete("warn", reason, tasksLeft);
        return true;
      }
      this.heldUntil = now;
      const held = wanted.filter(({ group }) =>
        services.some((name) => group === `service:${name}`),
      );
      why = `MAX_DRAIN_SECONDS (${bound}) after DRAINING, service(s) ${services.join(", ")} still want ${held.length} task(s) RUNNING here (no healthy replacement elsewhere yet)`;
    } else {
      why = `MAX_DRAIN_SECONDS (${bound}) after the notification, still no other instance could take the ${tasksLeft} tasks`;
    }
    if (!this.blocked) {
      this.blocked = true;
      this.decide("error", "drain-blocked", `${why}: keeping the instance`, {
        ...this.tasksField(),
        ...(services.length > 0 ? { services } : {}),
      });
      await raiseDrainBlockedAlarm(this.deps.sns, this.request, why);
    }
    return false;
  }

  /**
   * After a hold, ECS stops the services' old tasks only once their replacements are healthy,
   * and those tasks still answer requests through the load balancer's deregistration delay: so
   * they get a whole drain timeout from the end of the hold to reach STOPPED (as a drain that
   * waited for capacity gets one from DRAINING), not a release at the next poll.
   */
  private stoppingAfterHold(now: number): boolean {
    if (this.heldUntil === undefined || total(this.tasks) === 0) return false;
    if (now >= this.heldUntil + this.config.drainTimeoutMs) return false;
    if (!this.waitingAfterHoldLogged) {
      this.waitingAfterHoldLogged = true;
      this.decide(
        "info",
        "wait-after-hold",
        "No service wants a task RUNNING here any more: waiting for the stopping tasks to reach STOPPED",
        this.tasksField(),
      );
    }
    return true;
  }

  /** Near the invocation's end: a heartbeat, then the notification to the next invocation. */
  private async endInvocation(): Promise<void> {
    if (!(await this.heartbeat(this.tasksField()))) return;
    await handOff(this.deps.sns, {
      ...this.request,
      drainingSince: this.drainingSince,
      heldUntil: this.heldUntil,
    });
    this.decide(
      "info",
      "hand-off",
      "Out of time: recorded a heartbeat and re-published the notification",
      { ...this.tasksField(), topicArn: this.request.topicArn },
    );
  }

  /** Other instances that could take the tasks, looked up at most once per poll. */
  private async usableCapacity(): Promise<readonly string[]> {
    const { notification, cluster } = this.request;
    this.capacity ??= await usableInstances(
      this.deps.ecs,
      this.deps.autoScaling,
      cluster,
      notification.instanceId,
    );
    return this.capacity;
  }

  private async complete(level: LogLevel, reason: string, tasksLeft = 0): Promise<void> {
    const { notification } = this.request;
    const outcome = await completeLifecycleAction(this.deps.autoScaling, notification);
    const drainSeconds = Math.round((this.deps.clock.now() - notification.issuedAt) / 1000);
    if (outcome === "already-done") {
      // Keeps a warning a warning: past the drain timeout, tasks were left either way.
      this.decide(level, "already-complete", `No active lifecycle action left (${reason})`, {
        tasksLeft,
        drainSeconds,
      });
    } else {
      this.decide(level, "complete", `Completed the lifecycle action with CONTINUE: ${reason}`, {
        tasksLeft,
        drainSeconds,
      });
    }
  }

  /** Restarts the hook's heartbeat; false (and logged) when no action is left to wait for. */
  private async heartbeat(fields: object): Promise<boolean> {
    const outcome = await recordHeartbeat(this.deps.autoScaling, this.request.notification);
    if (outcome === "already-done") {
      this.decide(
        "info",
        "already-complete",
        "No active lifecycle action left to wait for",
        fields,
      );
      return false;
    }
    this.heartbeatAt = this.deps.clock.now();
    return true;
  }

  private tasksField(): { tasksLeft: number } {
    return { tasksLeft: total(this.tasks) };
  }

  /** Writes one decision about the instance being drained. */
  private decide(level: LogLevel, action: string, message: string, fields: object): void {
    const { notification, cluster } = this.request;
    this.deps.log({
      level,
      action,
      message,
      instanceId: notification.instanceId,
      cluster,
      ...fields,
    });
  }
}
