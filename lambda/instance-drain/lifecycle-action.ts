import {
  CompleteLifecycleActionCommand,
  RecordLifecycleActionHeartbeatCommand,
  type AutoScalingClient,
} from "@aws-sdk/client-auto-scaling";
import type { TerminatingNotification } from "./notification";

/**
 * `done` when this call completed the action (or restarted its heartbeat); `already-done` when
 * Auto Scaling has no such action any more: another delivery completed it, or the hook timed out
 * and the instance is gone. Either way there is nothing left for this invocation to do.
 */
export type LifecycleActionOutcome = "done" | "already-done";

/** Lets the instance terminate (CONTINUE: a terminating instance has no other way out). */
export async function completeLifecycleAction(
  autoScaling: AutoScalingClient,
  notification: TerminatingNotification,
): Promise<LifecycleActionOutcome> {
  return unlessNoActiveAction(
    autoScaling.send(
      new CompleteLifecycleActionCommand({
        ...actionOf(notification),
        LifecycleActionResult: "CONTINUE",
      }),
    ),
  );
}

/** Restarts the hook's heartbeat timeout so the instance waits for the next invocation. */
export async function recordHeartbeat(
  autoScaling: AutoScalingClient,
  notification: TerminatingNotification,
): Promise<LifecycleActionOutcome> {
  return unlessNoActiveAction(
    autoScaling.send(new RecordLifecycleActionHeartbeatCommand(actionOf(notification))),
  );
}

function actionOf(notification: TerminatingNotification) {
  return {
    LifecycleHookName: notification.lifecycleHookName,
    AutoScalingGroupName: notification.autoScalingGroupName,
    LifecycleActionToken: notification.lifecycleActionToken,
    InstanceId: notification.instanceId,
  };
}

/** Any other error propagates, so the invocation fails and is retried. */
async function unlessNoActiveAction(call: Promise<unknown>): Promise<LifecycleActionOutcome> {
  try {
    await call;
    return "done";
  } catch (error) {
    if (isNoActiveLifecycleAction(error)) return "already-done";
    throw error;
  }
}

function isNoActiveLifecycleAction(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === "ValidationError" &&
    /No active Lifecycle Action found/i.test(error.message)
  );
}
