import type { SNSEvent } from "aws-lambda";
import type { DrainHandler } from "../../../lambda/instance-drain/handler";

/** Shared builders for the instance-drain tests: events and AWS wire replies. */

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

/** One AWS request as the wire sees it: operation name and flat parameters. */
export interface WireRequest {
  readonly operation: string;
  readonly params: Record<string, unknown>;
}

/** One HTTP answer from a fake AWS endpoint. */
export interface WireReply {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Decodes a request in either protocol the drain uses: ECS speaks JSON 1.1 (operation in
 * `X-Amz-Target`), Auto Scaling and SNS speak the query protocol (`Action=` in a form body).
 */
export function parseWireRequest(headers: Record<string, unknown>, body: string): WireRequest {
  const target = Object.entries(headers).find(([name]) => name.toLowerCase() === "x-amz-target");
  if (target !== undefined) {
    return { operation: String(target[1]).split(".")[1], params: JSON.parse(body) };
  }
  const params = Object.fromEntries(new URLSearchParams(body));
  return { operation: params.Action, params };
}

/** A successful ECS (JSON 1.1) answer. */
export function ecsReply(output: object): WireReply {
  return json(200, output);
}

/** An ECS (JSON 1.1) error, e.g. `ThrottlingException`. */
export function ecsError(type: string, message: string): WireReply {
  return json(400, { __type: type, message });
}

/** A successful query-protocol answer with an empty result (heartbeat, complete). */
export function queryReply(operation: string): WireReply {
  return xml(
    200,
    `<${operation}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">` +
      `<${operation}Result/><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>` +
      `</${operation}Response>`,
  );
}

/** Where Auto Scaling has an instance, for {@link autoScalingInstancesReply}. */
export interface AutoScalingInstanceView {
  readonly id: string;
  readonly group: string;
  readonly state: string;
}

/** Auto Scaling's DescribeAutoScalingInstances answer (query protocol, XML). */
export function autoScalingInstancesReply(
  instances: readonly AutoScalingInstanceView[],
): WireReply {
  const members = instances
    .map(
      ({ id, group, state }) =>
        `<member><InstanceId>${id}</InstanceId><AutoScalingGroupName>${group}</AutoScalingGroupName>` +
        `<LifecycleState>${state}</LifecycleState><AvailabilityZone>us-east-1a</AvailabilityZone>` +
        `<HealthStatus>HEALTHY</HealthStatus><ProtectedFromScaleIn>false</ProtectedFromScaleIn></member>`,
    )
    .join("");
  return xml(
    200,
    `<DescribeAutoScalingInstancesResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">` +
      `<DescribeAutoScalingInstancesResult><AutoScalingInstances>${members}</AutoScalingInstances>` +
      `</DescribeAutoScalingInstancesResult><ResponseMetadata><RequestId>req-1</RequestId>` +
      `</ResponseMetadata></DescribeAutoScalingInstancesResponse>`,
  );
}

/** The notification's instance held by its termination hook in the notification's group. */
export const terminatingWait = autoScalingInstancesReply([
  { id: INSTANCE_ID, group: ASG_NAME, state: "Terminating:Wait" },
]);

/** A query-protocol error, e.g. Auto Scaling's `ValidationError`. */
export function queryError(code: string, message: string): WireReply {
  return xml(
    400,
    `<ErrorResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><Error>` +
      `<Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
      `<RequestId>req-1</RequestId></ErrorResponse>`,
  );
}

function json(statusCode: number, body: object): WireReply {
  return {
    statusCode,
    headers: { "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify(body),
  };
}

function xml(statusCode: number, body: string): WireReply {
  return { statusCode, headers: { "content-type": "text/xml" }, body };
}
