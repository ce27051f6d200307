import {
  CompleteLifecycleActionCommand,
  DescribeAutoScalingInstancesCommand,
  RecordLifecycleActionHeartbeatCommand,
  type AutoScalingClient,
} from "@aws-sdk/client-auto-scaling";
import type { LifecycleNotification } from "./messages";

/**
 * `done` when this call completed the action (or restarted its heartbeat); `already-done` when
 * Auto Scaling has no such action any more: another delivery completed it, or the hook timed out
 * and the instance is gone. Either way there is nothing left for this invocation to do.
 */
export type LifecycleActionOutcome = "done" | "already-done";

/**
 * `CONTINUE` lets a terminating instance go or a launching one into service; `ABANDON` makes
 * Auto Scaling terminate a launching instance (for a terminating one both mean "terminate").
 */
export type LifecycleActionResult = "CONTINUE" | "ABANDON";

/** Ends the lifecycle action with `result`. */
export async function completeLifecycleAction(
  autoScaling: AutoScalingClient,
  notification: LifecycleNotification,
  result: LifecycleActionResult = "CONTINUE",
): Promise<LifecycleActionOutcome> {
  return unlessNoActiveAction(
    autoScaling.send(
      new CompleteLifecycleActionCommand({
        ...actionOf(notification),
        LifecycleActionResult: result,
      }),
    ),
  );
}

/** Restarts the hook's heartbeat timeout so the instance waits for the next invocation. */
export async function recordHeartbeat(
  autoScaling: AutoScalingClient,
  notification: LifecycleNotification,
): Promise<LifecycleActionOutcome> {
  return unlessNoActiveAction(
    autoScaling.send(new RecordLifecycleActionHeartbeatCommand(actionOf(notification))),
  );
}

/** Where Auto Scaling has an instance: its group and lifecycle state, e.g. `Terminating:Wait`. */
export interface AutoScalingPlacement {
  readonly autoScalingGroupName: string;
  readonly lifecycleState: string;
}

/** Auto Scaling's limit on instance ids per DescribeAutoScalingInstances call. */
const MAX_IDS_PER_DESCRIBE = 50;

/**
 * The group and lifecycle state of each instance Auto Scaling knows; instances it does not
 * know (never in a group, or long gone) are absent from the map.
 */
export async function describePlacements(
  autoScaling: AutoScalingClient,
  instanceIds: readonly string[],
): Promise<Map<string, AutoScalingPlacement>> {
  const placements = new Map<string, AutoScalingPlacement>();
  for (let i = 0; i < instanceIds.length; i += MAX_IDS_PER_DESCRIBE) {
    const output = await autoScaling.send(
      new DescribeAutoScalingInstancesCommand({
        InstanceIds: instanceIds.slice(i, i + MAX_IDS_PER_DESCRIBE),
      }),
    );
    for (const instance of output.AutoScalingInstances ?? []) {
      if (!instance.InstanceId) continue;
      placements.set(instance.InstanceId, {
        autoScalingGroupName: instance.AutoScalingGroupName ?? "",
        lifecycleState: instance.LifecycleState ?? "",
      });
    }
  }
  return placements;
}

function actionOf(notification: LifecycleNotification) {
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
