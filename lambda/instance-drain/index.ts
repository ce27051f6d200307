import type { Context, SNSEvent } from "aws-lambda";
import { createAwsClients } from "./aws-clients";
import { systemClock } from "./clock";
import { createHandler } from "./handler";
import { jsonLogger } from "./log";

/** Created once per Lambda container, so warm invocations reuse connections and credentials. */
const drain = createHandler({
  ...createAwsClients(),
  clock: systemClock,
  log: jsonLogger,
  env: process.env,
});

/**
 * Drains the ECS tasks off an instance that its Auto Scaling group is terminating, then lets
 * it go. Subscribed to the topic the ASG's termination lifecycle hook notifies.
 */
export async function handler(event: SNSEvent, context: Context): Promise<void> {
  return drain(event, context);
}
