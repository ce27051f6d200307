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
 * Subscribed to the topic both lifecycle hooks of the cluster's ASG notify: lets a launching
 * instance into service once it has registered with the cluster, and drains the ECS tasks off
 * a terminating one before letting it go.
 */
export async function handler(event: SNSEvent, context: Context): Promise<void> {
  return drain(event, context);
}
