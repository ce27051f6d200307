import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ECSClient, type ECSClientConfig } from "@aws-sdk/client-ecs";
import { SNSClient } from "@aws-sdk/client-sns";

/** The three services the drain talks to. */
export interface AwsClients {
  readonly ecs: ECSClient;
  readonly autoScaling: AutoScalingClient;
  readonly sns: SNSClient;
}

/** Attempts per call: the SDK default, spelled out because the drain's safety margin relies on it. */
export const MAX_ATTEMPTS = 3;

/**
 * Per-attempt limit. These control-plane calls answer in well under a second; without a limit a
 * hung connection would run into the Lambda timeout before the heartbeat and re-publish.
 */
export const REQUEST_TIMEOUT_MS = 5_000;

/** Client settings that tests may add to (a local request handler, fixed credentials). */
export type ClientOverrides = Pick<ECSClientConfig, "region" | "credentials" | "requestHandler">;

/**
 * Clients with the SDK's standard retry mode (backoff with jitter, throttling errors retried).
 * Region, endpoint (`AWS_ENDPOINT_URL`) and credentials come from the environment, so the same
 * code runs in Lambda and against a local AWS endpoint.
 */
export function createAwsClients(overrides: ClientOverrides = {}): AwsClients {
  const config = {
    retryMode: "standard",
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    ...overrides,
  };
  return {
    ecs: new ECSClient(config),
    autoScaling: new AutoScalingClient(config),
    sns: new SNSClient(config),
  };
}
