import type { Context, SNSEvent, SNSEventRecord } from "aws-lambda";
import { readConfig, type DrainConfig, type DrainEnvironment } from "./config";
import { drainInstance, type DrainDependencies } from "./drain";
import { parseNotification } from "./notification";
import { SAFETY_MARGIN_MS } from "./timing";

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
 * Builds the SNS-triggered handler. Messages that can never succeed (malformed, no cluster) are
 * logged and dropped; configuration errors and AWS errors throw so Lambda retries the event.
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
  await drainInstance(deps, config, {
    notification,
    cluster,
    topicArn,
    message,
    subject: record.Sns.Subject || undefined,
    invocationDeadline,
  });
}
