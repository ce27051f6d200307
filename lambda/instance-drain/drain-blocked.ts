import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { DRAIN_BLOCKED, type DrainBlockedAlarm, type LifecycleRequest } from "./messages";

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
