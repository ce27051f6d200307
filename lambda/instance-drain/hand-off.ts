import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { DRAINING_SINCE_ATTRIBUTE, type LifecycleRequest } from "./messages";

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
