import type { SNSEvent } from "aws-lambda";
import type { DrainHandler } from "../lambda/instance-drain/handler";
import { encodeAnswer, type WireReply } from "./aws/wire";

/** Shared builders for the instance-drain tests: events and the AWS answers they meet. */

export const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:apps-staging-instance-drain";
export const CLUSTER = "apps-staging";
export const INSTANCE_ID = "i-0123456789abcdef0";
export const CONTAINER_INSTANCE_ARN =
  "arn:aws:ecs:us-east-1:123456789012:container-instance/apps-staging/5f0a1b2c3d4e";
export const HOOK_NAME = "drain-before-terminate";
export const ASG_NAME = "apps-staging-20250601120000000000000001";
export const ACTION_TOKEN = "c613620e-07e2-4ed2-a9e2-ef8258911ade";
/** The notification's `Time`: the start of the drain-time budget. */
export const NOTIFIED_AT = Date.parse("2025-06-01T12:00:00.000Z");

/** A termination lifecycle notification as Auto Scaling sends it; `undefined` drops a field. */
export function lifecycleMessage(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Origin: "AutoScalingGroup",
    Destination: "EC2",
    Service: "AWS Auto Scaling",
    Time: new Date(NOTIFIED_AT).toISOString(),
    AccountId: "123456789012",
    RequestId: "3d9c1f7a-6b7e-4b61-9e63-4b8c0a1d2e3f",
    LifecycleActionToken: ACTION_TOKEN,
    AutoScalingGroupName: ASG_NAME,
    LifecycleHookName: HOOK_NAME,
    EC2InstanceId: INSTANCE_ID,
    LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    NotificationMetadata: JSON.stringify({ cluster: CLUSTER }),
    ...overrides,
  });
}

/** The SNS event Lambda receives for one message. */
export function snsEvent(message: string, topicArn = TOPIC_ARN): SNSEvent {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:4f7c2d1e-0000-4000-8000-000000000000`,
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: topicArn,
          Subject: `Auto Scaling:  Lifecycle action 'TERMINATING' for instance ${INSTANCE_ID} in progress.`,
          Message: message,
          Timestamp: new Date(NOTIFIED_AT).toISOString(),
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: "https://sns.us-east-1.amazonaws.com/cert.pem",
          UnsubscribeUrl: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
          MessageAttributes: {},
        },
      },
    ],
  };
}

/** Invokes the handler as Lambda would, with `timeoutMs` left from the current virtual time. */
export function invoke(handler: DrainHandler, message: string, timeoutMs = 900_000) {
  return handler(snsEvent(message), { getRemainingTimeInMillis: () => timeoutMs });
}

/** A successful ECS (JSON 1.1) answer. */
export const ecsReply = (output: object): WireReply => encodeAnswer("ecs", "unused", { output });

/** An ECS (JSON 1.1) error, e.g. `ThrottlingException`. */
export const ecsError = (error: string, message: string): WireReply =>
  encodeAnswer("ecs", "unused", { error, message });

/** A successful Auto Scaling answer with an empty result (heartbeat, complete). */
export const queryReply = (operation: string): WireReply =>
  encodeAnswer("autoscaling", operation, { output: {} });

/** An Auto Scaling error, e.g. `ValidationError`. */
export const queryError = (error: string, message: string): WireReply =>
  encodeAnswer("autoscaling", "unused", { error, message });

/** Where Auto Scaling has an instance, for {@link autoScalingInstancesReply}. */
export interface AutoScalingInstanceView {
  readonly id: string;
  readonly group: string;
  readonly state: string;
}

/** Auto Scaling's DescribeAutoScalingInstances answer. */
export function autoScalingInstancesReply(
  instances: readonly AutoScalingInstanceView[],
): WireReply {
  return encodeAnswer("autoscaling", "DescribeAutoScalingInstances", {
    output: {
      AutoScalingInstances: instances.map(({ id, group, state }) => ({
        InstanceId: id,
        AutoScalingGroupName: group,
        LifecycleState: state,
        AvailabilityZone: "us-east-1a",
        HealthStatus: "HEALTHY",
        ProtectedFromScaleIn: false,
      })),
    },
  });
}

/** The notification's instance held by its termination hook in the notification's group. */
export const terminatingWait = autoScalingInstancesReply([
  { id: INSTANCE_ID, group: ASG_NAME, state: "Terminating:Wait" },
]);
