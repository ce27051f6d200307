import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import {
  DRAIN_BLOCKED,
  DRAINING_SINCE_ATTRIBUTE,
  HELD_UNTIL_ATTRIBUTE,
  type DrainBlockedAlarm,
  type LifecycleRequest,
} from "./messages";

// What the function publishes to its own topic: the hand-off of a notification to the next
// invocation, and the blocked-drain alarm.

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
      MessageAttributes: numberAttributes({
        [DRAINING_SINCE_ATTRIBUTE]: request.drainingSince,
        [HELD_UNTIL_ATTRIBUTE]: request.heldUntil,
      }),
    }),
  );
}

/** SNS Number attributes for the values that are set; undefined when none is. */
function numberAttributes(values: Record<string, number | undefined>) {
  const set = Object.entries(values).filter(([, value]) => value !== undefined);
  if (set.length === 0) return undefined;
  return Object.fromEntries(
    set.map(([name, value]) => [name, { DataType: "Number", StringValue: String(value) }]),
  );
}

/** Thrown by the invocation that handles a blocked-drain alarm, so that it counts as an error. */
export class DrainBlockedError extends Error {
  override readonly name = "DrainBlockedError";
}

export async function raiseDrainBlockedAlarm(
  sns: SNSClient,
  request: LifecycleRequest,
  reason: string,
): Promise<void> {
  const { notification, cluster, topicArn } = request;
  const alarm: DrainBlockedAlarm = {
    instanceId: notification.instanceId,
    autoScalingGroupName: notification.autoScalingGroupName,
    cluster,
    reason,
  };
  await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: `Drain blocked: ${notification.instanceId} of ${cluster}`,
      Message: JSON.stringify({ [DRAIN_BLOCKED]: alarm }),
    }),
  );
}
