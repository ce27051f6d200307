/**
 * The life of an autoscaling group's instances, the part of Auto Scaling a rollout rests on:
 * a launched instance waits in `Pending:Wait` while a launch hook holds it, a terminating one in
 * `Terminating:Wait` while a termination hook does; each hook notifies its target, and the
 * action ends by `CompleteLifecycleAction`, or by the hook's default result once its heartbeat
 * timeout (restarted by `RecordLifecycleActionHeartbeat`) or the global timeout passes.
 * Durations and timestamps are AWS time ({@link SimulatedClock}), so minutes of AWS time pass in seconds.
 */
import type { SimulatedClock } from "../clock";

export interface LifecycleHook {
  readonly LifecycleHookName: string;
  readonly LifecycleTransition: string;
  readonly NotificationTargetARN?: string;
  readonly RoleARN?: string;
  readonly NotificationMetadata?: string;
  readonly HeartbeatTimeout: number;
  readonly DefaultResult: "CONTINUE" | "ABANDON";
}

export interface GroupInstance {
  readonly InstanceId: string;
  readonly AvailabilityZone: string;
  LifecycleState: string;
  readonly LaunchConfigurationName: string;
  readonly InstanceType: string;
  /** The action a hook holds the instance in, if any. */
  action?: { hook: LifecycleHook; token: string; cancelTimeout: () => void; deadline: number };
}

export interface LifecycleEvents {
  /** A hook's notification, to its target (an SNS topic). */
  notify(targetArn: string, message: string): void;
  /** An instance has booted (the ECS agent starts registering it). */
  launched(instance: GroupInstance, groupName: string): void;
  /** An instance is gone (its container instance goes with it). */
  terminated(instance: GroupInstance): void;
  /** For the rehearsal's timeline. */
  log(event: string): void;
}

/** A group as its instances' lifecycle sees it. */
export interface HookedGroup {
  readonly name: string;
  readonly hooks: readonly LifecycleHook[];
  /** The instance has terminated and leaves the group. */
  removed(instance: GroupInstance): void;
}

export const LAUNCHING = "autoscaling:EC2_INSTANCE_LAUNCHING";
export const TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";

export class InstanceLifecycle {
  constructor(
    private readonly events: LifecycleEvents,
    /** AWS time: every timer and timestamp. */
    private readonly clock: SimulatedClock,
    /** Seconds an instance takes from launch to its first hook. */
    private readonly bootSeconds = 30,
  ) {}

  launch(group: HookedGroup, instance: GroupInstance): void {
    this.events.log(`${instance.InstanceId} launched in ${group.name}`);
    this.clock.after(this.bootSeconds * 1000, () => {
      if (instance.LifecycleState !== "Pending") return;
      this.events.launched(instance, group.name);
      this.enter(group, instance, LAUNCHING);
    });
  }

  terminate(group: HookedGroup, instance: GroupInstance): void {
    if (instance.LifecycleState.startsWith("Terminating")) return;
    instance.action?.cancelTimeout();
    instance.action = undefined;
    instance.LifecycleState = "Terminating";
    this.events.log(`${instance.InstanceId} terminating in ${group.name}`);
    this.enter(group, instance, TERMINATING);
  }

  /** CompleteLifecycleAction: false when no action is active for the instance (AWS's ValidationError). */
  complete(group: HookedGroup, instance: GroupInstance, hookName: string, result: string): boolean {
    const action = instance.action;
    if (action === undefined || action.hook.LifecycleHookName !== hookName) return false;
    action.cancelTimeout();
    instance.action = undefined;
    this.events.log(`${instance.InstanceId} ${hookName}: ${result}`);
    this.proceed(group, instance, action.hook.LifecycleTransition, result);
    return true;
  }

  /** RecordLifecycleActionHeartbeat: restarts the heartbeat, within the global timeout. */
  heartbeat(group: HookedGroup, instance: GroupInstance, hookName: string): boolean {
    const action = instance.action;
    if (action === undefined || action.hook.LifecycleHookName !== hookName) return false;
    action.cancelTimeout();
    action.cancelTimeout = this.timeout(group, instance, action.hook, action.deadline);
    return true;
  }

  private enter(group: HookedGroup, instance: GroupInstance, transition: string): void {
    const hook = group.hooks.find((h) => h.LifecycleTransition === transition);
    if (hook === undefined) {
      this.proceed(group, instance, transition, "CONTINUE");
      return;
    }
    instance.LifecycleState = transition === LAUNCHING ? "Pending:Wait" : "Terminating:Wait";
    const token = `${instance.InstanceId}-${hook.LifecycleHookName}`;
    // AWS: the global timeout is 100 × heartbeat or 48 hours, whichever is less.
    const deadline = this.clock.now() + Math.min(100 * hook.HeartbeatTimeout, 48 * 3600) * 1000;
    instance.action = {
      hook,
      token,
      deadline,
      cancelTimeout: this.timeout(group, instance, hook, deadline),
    };
    this.events.log(
      `${instance.InstanceId} ${instance.LifecycleState} (${hook.LifecycleHookName})`,
    );
    if (hook.NotificationTargetARN !== undefined) {
      this.events.notify(
        hook.NotificationTargetARN,
        JSON.stringify({
          Origin: transition === LAUNCHING ? "EC2" : "AutoScalingGroup",
          Destination: transition === LAUNCHING ? "AutoScalingGroup" : "EC2",
          Service: "AWS Auto Scaling",
          Time: new Date(this.clock.now()).toISOString(),
          AccountId: "123456789012",
          LifecycleTransition: transition,
          AutoScalingGroupName: group.name,
          EC2InstanceId: instance.InstanceId,
          LifecycleActionToken: token,
          LifecycleHookName: hook.LifecycleHookName,
          ...(hook.NotificationMetadata ? { NotificationMetadata: hook.NotificationMetadata } : {}),
        }),
      );
    }
  }

  private timeout(
    group: HookedGroup,
    instance: GroupInstance,
    hook: LifecycleHook,
    deadline: number,
  ): () => void {
    const wait = Math.min(hook.HeartbeatTimeout * 1000, Math.max(0, deadline - this.clock.now()));
    return this.clock.after(wait, () => {
      instance.action = undefined;
      this.events.log(
        `${instance.InstanceId} ${hook.LifecycleHookName} timed out: ${hook.DefaultResult}`,
      );
      this.proceed(group, instance, hook.LifecycleTransition, hook.DefaultResult);
    });
  }

  private proceed(
    group: HookedGroup,
    instance: GroupInstance,
    transition: string,
    result: string,
  ): void {
    if (transition === LAUNCHING && result === "CONTINUE") {
      instance.LifecycleState = "InService";
      this.events.log(`${instance.InstanceId} InService in ${group.name}`);
      return;
    }
    if (transition === LAUNCHING) {
      // An abandoned launch terminates the instance (its termination hooks run as usual).
      instance.LifecycleState = "Pending";
      this.terminate(group, instance);
      return;
    }
    instance.LifecycleState = "Terminated";
    this.events.terminated(instance);
    this.events.log(`${instance.InstanceId} terminated`);
    group.removed(instance);
  }
}
