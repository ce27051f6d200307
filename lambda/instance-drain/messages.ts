// The messages the function's modules pass to each other, in one file free of logic, so that
// notification parsing, hand-off and the blocked-drain alarm need not import one another.

/**
 * `launching`: the launch hook holds a new instance in Pending:Wait until it has registered with
 * the cluster. `terminating`: the termination hook holds an old one until its tasks have moved.
 */
export type Transition = "launching" | "terminating";

/** What the function needs from an Auto Scaling lifecycle notification. */
export interface LifecycleNotification {
  readonly transition: Transition;
  readonly instanceId: string;
  readonly lifecycleHookName: string;
  readonly autoScalingGroupName: string;
  /** Absent only in hand-written test messages; the instance id identifies the action too. */
  readonly lifecycleActionToken?: string;
  /** The notification's `Time` in epoch milliseconds: the start of the drain or launch budget. */
  readonly issuedAt: number;
  /** `cluster` from the hook's `NotificationMetadata`, when it names one. */
  readonly cluster?: string;
}

/** One lifecycle notification being handled within one invocation. */
export interface LifecycleRequest {
  readonly notification: LifecycleNotification;
  readonly cluster: string;
  /** Where the notification came from and goes back to when this invocation runs out of time. */
  readonly topicArn: string;
  /** The SNS message exactly as received, so the next invocation sees the same `Time`. */
  readonly message: string;
  readonly subject?: string;
  /** Epoch milliseconds at which Lambda stops this invocation. */
  readonly invocationDeadline: number;
  /** When an earlier invocation set the instance DRAINING (the `drainingSince` attribute). */
  readonly drainingSince?: number;
  /**
   * The last time an earlier invocation found a service still wanting a task RUNNING on the
   * instance past the drain timeout (the `heldUntil` attribute): the drain timeout of the tasks ECS
   * stops after such a hold counts from it.
   */
  readonly heldUntil?: number;
}

/** The SNS message attribute that carries `drainingSince` from one invocation to the next. */
export const DRAINING_SINCE_ATTRIBUTE = "drainingSince";
/** The SNS message attribute that carries `heldUntil` from one invocation to the next. */
export const HELD_UNTIL_ATTRIBUTE = "heldUntil";

/**
 * A blocked drain (the instance holds tasks no other instance could run, past the drain timeout)
 * must page, but the drain itself has to go on holding the instance: a failed invocation would
 * end its chain of hand-offs, and Auto Scaling would release the instance at the hook's next
 * heartbeat timeout. So the drain publishes this alarm to its own topic, and the invocation that
 * receives it does nothing but fail ({@link DrainBlockedError}): the function's errors alarm
 * fires, Lambda retries it twice, and it lands in the failure queue, whose alarm fires too.
 */
export interface DrainBlockedAlarm {
  readonly instanceId: string;
  readonly autoScalingGroupName: string;
  readonly cluster: string;
  readonly reason: string;
}

/** The key that marks a message of the drain topic as a blocked-drain alarm. */
export const DRAIN_BLOCKED = "DrainBlocked";
