import { PublishCommand } from "@aws-sdk/client-sns";
import type { AwsClients } from "./aws-clients";
import type { Clock } from "./clock";
import type { DrainConfig } from "./config";
import {
  describeContainerInstance,
  findContainerInstanceArn,
  startDraining,
} from "./container-instance";
import { completeLifecycleAction, recordHeartbeat } from "./lifecycle-action";
import type { LogLevel, Logger } from "./log";
import type { TerminatingNotification } from "./notification";
import { HEARTBEAT_INTERVAL_MS, SAFETY_MARGIN_MS } from "./timing";

/**
 * The first delivery of a notification arrives within seconds; one older than this reaches an
 * invocation that continues a drain, or Lambda's retry of one that failed.
 */
const FIRST_DELIVERY_MS = 60_000;

/** Writes one decision about the instance being drained. */
type Decide = (level: LogLevel, action: string, message: string, fields: object) => void;

/** What the drain runs on; injected so tests and the benchmark control time and AWS. */
export interface DrainDependencies extends AwsClients {
  readonly clock: Clock;
  readonly log: Logger;
}

/** One terminating instance to drain within one invocation. */
export interface DrainRequest {
  readonly notification: TerminatingNotification;
  readonly cluster: string;
  /** Where the notification came from and goes back to when this invocation runs out of time. */
  readonly topicArn: string;
  /** The SNS message exactly as received, so the next invocation sees the same `Time`. */
  readonly message: string;
  readonly subject?: string;
  /** Epoch milliseconds at which Lambda stops this invocation. */
  readonly invocationDeadline: number;
}

/**
 * Drains one instance: DRAINING, then a look at its tasks every poll interval until none are
 * left (complete), the drain-time budget is spent (complete anyway, with a warning) or the
 * invocation nears its end (heartbeat, re-publish, and the next invocation carries on).
 * The lifecycle action is never completed while tasks are left, except past the budget.
 */
export async function drainInstance(
  deps: DrainDependencies,
  config: DrainConfig,
  request: DrainRequest,
): Promise<void> {
  const { ecs, clock } = deps;
  const { notification, cluster } = request;
  const decide: Decide = (level, action, message, fields) =>
    deps.log({
      level,
      action,
      message,
      instanceId: notification.instanceId,
      cluster,
      ...fields,
    });
  const complete = async (level: LogLevel, reason: string, tasksLeft: number) => {
    const outcome = await completeLifecycleAction(deps.autoScaling, notification);
    const drainSeconds = Math.round((clock.now() - notification.issuedAt) / 1000);
    if (outcome === "already-done") {
      // Keeps a warning a warning: past the drain bound, tasks were left either way.
      decide(level, "already-complete", `No active lifecycle action left (${reason})`, {
        tasksLeft,
        drainSeconds,
      });
    } else {
      decide(level, "complete", `Completed the lifecycle action with CONTINUE: ${reason}`, {
        tasksLeft,
        drainSeconds,
      });
    }
  };

  let heartbeatAt = notification.issuedAt;
  /** Restarts the hook's heartbeat; false (and logged) when no action is left to wait for. */
  const heartbeat = async (fields: object): Promise<boolean> => {
    if ((await recordHeartbeat(deps.autoScaling, notification)) === "already-done") {
      decide("info", "already-complete", "No active lifecycle action left to wait for", fields);
      return false;
    }
    heartbeatAt = clock.now();
    return true;
  };

  // A failed invocation never reached its hand-off heartbeat, and Lambda retries it minutes
  // later: restart the hook's heartbeat before anything else so the hook outlives the gap.
  if (clock.now() - notification.issuedAt > FIRST_DELIVERY_MS) {
    if (!(await heartbeat({}))) return;
    decide("info", "continue", "Continuing the drain: recorded a heartbeat", {});
  }

  const arn = await findContainerInstanceArn(ecs, cluster, notification.instanceId);
  if (arn === undefined) return complete("info", "not registered in the cluster", 0);

  let observedAt = clock.now();
  let state = await describeContainerInstance(ecs, cluster, arn);
  if (state?.status === "ACTIVE") {
    state = await startDraining(ecs, cluster, arn);
    decide("info", "start-draining", "Set the container instance to DRAINING", {
      containerInstanceArn: arn,
      tasksLeft: state?.tasksLeft ?? 0,
    });
  }

  const drainDeadline = notification.issuedAt + config.maxDrainMs;
  for (;;) {
    if (state === undefined) return complete("info", "deregistered from the cluster", 0);
    if (state.tasksLeft === 0) return complete("info", "no tasks left", 0);
    const now = clock.now();
    if (now >= drainDeadline) {
      const reason = `MAX_DRAIN_SECONDS (${config.maxDrainMs / 1000}) passed with ${state.tasksLeft} tasks still running or pending`;
      return complete("warn", reason, state.tasksLeft);
    }
    if (now - heartbeatAt >= HEARTBEAT_INTERVAL_MS) {
      if (!(await heartbeat({ tasksLeft: state.tasksLeft }))) return;
      decide("info", "heartbeat", "Still draining: recorded a heartbeat", {
        tasksLeft: state.tasksLeft,
      });
    }
    // A fixed cadence (not "sleep after each call") keeps completion within one poll interval.
    const nextPollAt = Math.min(observedAt + config.pollMs, drainDeadline);
    if (nextPollAt + SAFETY_MARGIN_MS > request.invocationDeadline) {
      if (!(await heartbeat({ tasksLeft: state.tasksLeft }))) return;
      return handOff(deps, request, state.tasksLeft, decide);
    }
    await clock.sleep(Math.max(0, nextPollAt - now));
    observedAt = clock.now();
    state = await describeContainerInstance(ecs, cluster, arn);
  }
}

/**
 * Passes the drain to a fresh invocation through the topic. The caller records the heartbeat
 * first: if the action is already gone, re-publishing would only start a chain of invocations
 * with nothing to do.
 */
async function handOff(
  deps: DrainDependencies,
  request: DrainRequest,
  tasksLeft: number,
  decide: Decide,
): Promise<void> {
  await deps.sns.send(
    new PublishCommand({
      TopicArn: request.topicArn,
      Message: request.message,
      Subject: request.subject,
    }),
  );
  decide(
    "info",
    "hand-off",
    "Out of time: recorded a heartbeat and re-published the notification",
    {
      tasksLeft,
      topicArn: request.topicArn,
    },
  );
}
