import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { LifecycleNotification } from "./notification";

/** One lifecycle notification being handled within one invocation. */
export interface LifecycleRequest {
  readonly notification: LifecycleNotification;
  readonly cluster: string;
  /** Where the notification came from and goes back to when this invocation runs out of time. */
  readonly topicArn: string;
  /** The SNS message exactly as received, so the next invocation sees the same `Time`. */
  readonly message: string;
  readonly subject?: string;
  /** Epoch milliseconds at which Lambda stops this invocation. */
  readonly invocationDeadline: number;
  /** When an earlier invocation set the instance DRAINING (the `drainingSince` attribute). */
  readonly drainingSince?: number;
}

/** The SNS message attribute that carries `drainingSince` from one invocation to the next. */
export const DRAINING_SINCE_ATTRIBUTE = "drainingSince";

/**
 * Passes the notification to a fresh invocation through the topic. A drain records a heartbeat
 * first: if the action is already gone, re-publishing would only start a chain of invocations
 * with nothing to do.
 */
export async function handOff(sns: SNSClient, request: LifecycleRequest): Promise<void> {
  await sns.send(
    new PublishCommand({
      TopicArn: request.topicArn,
      Message: request.message,
      Subject: request.subject,
      MessageAttributes:
        request.drainingSince === undefined
          ? undefined
          : {
              [DRAINING_SINCE_ATTRIBUTE]: {
                DataType: "Number",
                StringValue: String(request.drainingSince),
              },
            },
    }),
  );
}
