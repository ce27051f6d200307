import {
  DRAIN_BLOCKED,
  type DrainBlockedAlarm,
  type LifecycleNotification,
  type Transition,
} from "./messages";

/** The two lifecycle transitions the function acts on, by their name in the notification. */
const TRANSITIONS = {
  "autoscaling:EC2_INSTANCE_LAUNCHING": "launching",
  "autoscaling:EC2_INSTANCE_TERMINATING": "terminating",
} as const satisfies Record<string, Transition>;

/**
 * The three ways a message can go: act on it, nothing to do (`ignored`), or a message that can
 * never succeed (`malformed`), which must be dropped rather than thrown so it is not retried.
 */
export type ParsedNotification =
  | { readonly kind: "lifecycle"; readonly notification: LifecycleNotification }
  | { readonly kind: "drain-blocked"; readonly alarm: DrainBlockedAlarm }
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "malformed"; readonly reason: string };

/** Fields without which the lifecycle action cannot be completed or the drain bounded. */
const REQUIRED_FIELDS = ["EC2InstanceId", "LifecycleHookName", "AutoScalingGroupName", "Time"];

/** Parses the SNS `Message` of an Auto Scaling lifecycle hook. Never throws. */
export function parseNotification(message: string): ParsedNotification {
  let body: unknown;
  try {
    body = JSON.parse(message);
  } catch (error) {
    return { kind: "malformed", reason: `message is not JSON: ${(error as Error).message}` };
  }
  if (!isObject(body)) return { kind: "malformed", reason: "message is not a JSON object" };
  const alarm = body[DRAIN_BLOCKED];
  if (isObject(alarm))
    return { kind: "drain-blocked", alarm: alarm as unknown as DrainBlockedAlarm };

  const transition = body.LifecycleTransition;
  if (typeof transition !== "string") {
    // Auto Scaling notifications (the hook's TEST_NOTIFICATION among them) carry `Event` instead.
    return typeof body.Event === "string"
      ? { kind: "ignored", reason: `event ${body.Event}` }
      : { kind: "malformed", reason: "message has neither LifecycleTransition nor Event" };
  }
  if (!Object.hasOwn(TRANSITIONS, transition)) {
    return { kind: "ignored", reason: `transition ${transition}` };
  }

  const missing = REQUIRED_FIELDS.filter((field) => !isNonEmptyString(body[field]));
  if (missing.length > 0) {
    return { kind: "malformed", reason: `message lacks ${missing.join(", ")}` };
  }
  const issuedAt = Date.parse(body.Time as string);
  if (Number.isNaN(issuedAt)) {
    return { kind: "malformed", reason: `Time ${JSON.stringify(body.Time)} is not a timestamp` };
  }
  return {
    kind: "lifecycle",
    notification: {
      transition: TRANSITIONS[transition as keyof typeof TRANSITIONS],
      instanceId: body.EC2InstanceId as string,
      lifecycleHookName: body.LifecycleHookName as string,
      autoScalingGroupName: body.AutoScalingGroupName as string,
      lifecycleActionToken: isNonEmptyString(body.LifecycleActionToken)
        ? body.LifecycleActionToken
        : undefined,
      issuedAt,
      cluster: clusterFromMetadata(body.NotificationMetadata),
    },
  };
}

/**
 * The hook's metadata arrives as a JSON string inside the JSON message. Anything but
 * `{"cluster":"<name>"}` counts as "no cluster named", so the `CLUSTER_NAME` fallback applies.
 */
function clusterFromMetadata(metadata: unknown): string | undefined {
  if (typeof metadata !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return isObject(parsed) && isNonEmptyString(parsed.cluster) ? parsed.cluster : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
