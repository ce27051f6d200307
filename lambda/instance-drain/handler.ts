import type { Context, SNSEvent, SNSEventRecord } from "aws-lambda";
import { readConfig, type DrainConfig, type DrainEnvironment } from "./contract";
import { isClusterNotFound } from "./container-instance";
import { drainInstance, type DrainDependencies } from "./drain";
import { DrainBlockedError } from "./own-topic";
import { admitInstance } from "./launch";
import { completeLifecycleAction, describePlacements } from "./lifecycle-action";
import {
  DRAINING_SINCE_ATTRIBUTE,
  HELD_UNTIL_ATTRIBUTE,
  type LifecycleNotification,
  type LifecycleRequest,
} from "./messages";
import { parseNotification } from "./notification";
import { SAFETY_MARGIN_MS } from "./contract";

/** Everything the handler needs, so tests and the benchmark can supply their own. */
export interface HandlerDependencies extends DrainDependencies {
  /** Read on every invocation; `process.env` in the Lambda. */
  readonly env: DrainEnvironment;
}

/** The Lambda signature, narrowed to the one `Context` member the handler uses. */
export type DrainHandler = (
  event: SNSEvent,
  context: Pick<Context, "getRemainingTimeInMillis">,
) => Promise<void>;

/**
 * Builds the SNS-triggered handler. Messages that can never succeed (malformed, no cluster) and
 * messages Auto Scaling does not stand behind are logged and dropped; configuration errors, AWS
 * errors and a blocked drain throw, so Lambda retries the event and the errors alarm sees it.
 */
export function createHandler(deps: HandlerDependencies): DrainHandler {
  return async (event, context) => {
    const invocationDeadline = deps.clock.now() + context.getRemainingTimeInMillis();
    const config = readConfig(deps.env, deps.log);
    requireTimeForOnePoll(deps, config, invocationDeadline);
    for (const record of event.Records) {
      await handleRecord(deps, config, record, invocationDeadline);
    }
  };
}

/**
 * With a Lambda timeout shorter than one poll plus the safety margin, every invocation would
 * re-publish at once: the tight loop this function exists to avoid. That is a deployment bug.
 */
function requireTimeForOnePoll(
  deps: HandlerDependencies,
  config: DrainConfig,
  invocationDeadline: number,
): void {
  const remainingMs = invocationDeadline - deps.clock.now();
  if (remainingMs >= config.pollMs + SAFETY_MARGIN_MS) return;
  const message = `The Lambda timeout must exceed POLL_SECONDS (${config.pollMs / 1000}) plus the ${SAFETY_MARGIN_MS / 1000} s safety margin; this invocation has ${Math.floor(remainingMs / 1000)} s`;
  deps.log({ level: "error", action: "reject-configuration", message, remainingMs });
  throw new Error(message);
}

async function handleRecord(
  deps: HandlerDependencies,
  config: DrainConfig,
  record: SNSEventRecord,
  invocationDeadline: number,
): Promise<void> {
  const { Message: message, MessageId: snsMessageId, TopicArn: topicArn } = record.Sns;
  const parsed = parseNotification(message);
  if (parsed.kind === "drain-blocked") {
    const { alarm } = parsed;
    deps.log({ level: "error", action: "drain-blocked-alarm", message: alarm.reason, ...alarm });
    // Failing is the point: the errors alarm and, after Lambda's retries, the failure queue.
    throw new DrainBlockedError(
      `Drain of ${alarm.instanceId} (${alarm.cluster}) blocked: ${alarm.reason}`,
    );
  }
  if (parsed.kind === "ignored") {
    deps.log({ level: "info", action: "ignore", message: `Nothing to drain: ${parsed.reason}` });
    return;
  }
  if (parsed.kind === "malformed") {
    deps.log({
      level: "error",
      action: "reject-message",
      message: `Dropped a notification that can never be processed: ${parsed.reason}`,
      snsMessageId,
      snsMessage: message,
    });
    return;
  }

  const { notification } = parsed;
  const cluster = notification.cluster ?? config.defaultCluster;
  if (cluster === undefined) {
    // Retrying cannot find a cluster either; the hook's timeout releases the instance.
    deps.log({
      level: "error",
      action: "reject-message",
      message: "No cluster: the hook's NotificationMetadata names none and CLUSTER_NAME is unset",
      instanceId: notification.instanceId,
      snsMessageId,
    });
    return;
  }
  if (!(await isHeldByItsHook(deps, notification))) return;

  const attribute = (name: string) => {
    const value = Number(record.Sns.MessageAttributes?.[name]?.Value);
    return Number.isFinite(value) ? value : undefined;
  };
  const request: LifecycleRequest = {
    notification,
    cluster,
    topicArn,
    message,
    subject: record.Sns.Subject || undefined,
    invocationDeadline,
    drainingSince: attribute(DRAINING_SINCE_ATTRIBUTE),
    heldUntil: attribute(HELD_UNTIL_ATTRIBUTE),
  };
  try {
    if (notification.transition === "launching") await admitInstance(deps, config, request);
    else await drainInstance(deps, config, request);
  } catch (error) {
    if (!isClusterNotFound(error)) throw error;
    await releaseWithoutCluster(deps, notification, cluster);
  }
}

/** The lifecycle state Auto Scaling holds an instance in while its hook waits for us. */
/** A notification this young may reach us before Auto Scaling's own reads list its instance. */
const FRESH_NOTIFICATION_MS = 60_000;

const WAITING_STATE = { launching: "Pending:Wait", terminating: "Terminating:Wait" } as const;
/** The state just before each wait state, which a read may still return for a moment. */
const STATE_BEFORE = { launching: "Pending", terminating: "Terminating" } as const;
/** Looks at an instance whose state may lag the notification, and the pause between them. */
const PLACEMENT_LOOKS = 4;
const PLACEMENT_RETRY_MS = 5_000;

/**
 * Only a notification Auto Scaling stands behind is acted on: its instance must be waiting on
 * a hook of the named group. Anything else (a forged message, or a stale duplicate whose action
 * has ended) is logged and dropped, so a Publish to the topic cannot drain a healthy instance.
 * A state that may just lag the notification (the one before the wait state, or an instance not
 * yet listed while the notification is fresh) is looked at again a few times first: dropping a
 * real notification would leave a terminating instance to its hook's default result.
 */
async function isHeldByItsHook(
  deps: HandlerDependencies,
  notification: LifecycleNotification,
): Promise<boolean> {
  const { instanceId, autoScalingGroupName, transition } = notification;
  const expected = WAITING_STATE[transition];
  let placement;
  for (let look = 1; ; look++) {
    placement = (await describePlacements(deps.autoScaling, [instanceId])).get(instanceId);
    const inGroup = placement?.autoScalingGroupName === autoScalingGroupName;
    if (inGroup && placement?.lifecycleState === expected) return true;
    const fresh = deps.clock.now() - notification.issuedAt < FRESH_NOTIFICATION_MS;
    const mayLag =
      placement === undefined
        ? fresh
        : inGroup && placement.lifecycleState === STATE_BEFORE[transition];
    if (!mayLag || look === PLACEMENT_LOOKS) break;
    await deps.clock.sleep(PLACEMENT_RETRY_MS);
  }
  const actual = placement
    ? `in ${placement.lifecycleState} of ${placement.autoScalingGroupName}`
    : "in no Auto Scaling group";
  deps.log({
    level: "warn",
    action: "reject-unverified",
    message: `Not acting: Auto Scaling reports the instance ${actual}, not ${expected} of ${autoScalingGroupName}`,
    instanceId,
    transition,
  });
  return false;
}

/**
 * Without the cluster there is nothing to drain, so a terminating instance goes at once; a
 * launching one could never take tasks, so it is abandoned and Auto Scaling replaces it.
 */
async function releaseWithoutCluster(
  deps: HandlerDependencies,
  notification: LifecycleNotification,
  cluster: string,
): Promise<void> {
  const launching = notification.transition === "launching";
  const result = launching ? "ABANDON" : "CONTINUE";
  const outcome = await completeLifecycleAction(deps.autoScaling, notification, result);
  deps.log({
    level: launching ? "error" : "info",
    action: outcome === "already-done" ? "already-complete" : launching ? "abandon" : "complete",
    message: `${result}: the cluster ${cluster} does not exist (ClusterNotFoundException)`,
    instanceId: notification.instanceId,
    cluster,
    tasksLeft: 0,
  });
}
