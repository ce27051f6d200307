import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { LifecycleRequest } from "./hand-off";

/**
 * A blocked drain (the instance holds tasks no other instance could run, past the drain bound)
 * must page, but the drain itself has to go on holding the instance: a failed invocation would
 * end its chain of hand-offs, and Auto Scaling would release the instance at the hook's next
 * heartbeat timeout. So the drain publishes this alarm to its own topic, and the invocation that
 * receives it does nothing but fail ({@link DrainBlockedError}): the function's errors alarm
 * fires, Lambda retries it twice, and it lands in the failure queue, whose alarm fires too.
 */
export interface DrainBlockedAlarm {
  readonly instanceId: string;
  readonly autoScalingGroupName: string;
  readonly cluster: string;
  readonly reason: string;
}

/** The key that marks a message of the drain topic as a blocked-drain alarm. */
export const DRAIN_BLOCKED = "DrainBlocked";

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
