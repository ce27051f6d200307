import {
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  PutLifecycleHookCommand,
  type AutoScalingClient,
  type LifecycleHook,
} from "@aws-sdk/client-auto-scaling";
import {
  GetTopicAttributesCommand,
  paginateListSubscriptionsByTopic,
  type SNSClient,
} from "@aws-sdk/client-sns";
import { ConfigError } from "../../config/config-error";

/**
 * The adoption's hand-over: before the first rollout after adoption, the old (imported) group's
 * termination hook is pointed at this stack's drain topic and hook role, so the old instances
 * drain through this project's function (which waits for lastStatus STOPPED) instead of the old
 * CloudFormation one (which releases an instance once ListTasks, desired RUNNING only, is empty:
 * while its tasks still serve through the load balancer's deregistration delay).
 * One PutLifecycleHook on one hook, same name and transition: undone by another.
 */

const TERMINATING = "autoscaling:EC2_INSTANCE_TERMINATING";

/** What this stack's drain machinery is called, and how its own termination hook is set. */
export interface DrainMachinery {
  readonly region: string;
  /** `<clusterName>-`: the function may complete lifecycle actions only on groups named so. */
  readonly groupNamePrefix: string;
  readonly topicName: string;
  readonly hookRoleName: string;
  readonly functionName: string;
  /** The heartbeat this stack's termination hook uses, which the function's timing assumes. */
  readonly heartbeatTimeoutSeconds: number;
  /** The metadata this stack's hooks send: the cluster to drain in. */
  readonly notificationMetadata: string;
}

/** The hook as it is and as the hand-over sets it. */
export interface HandOverPlan {
  readonly groupName: string;
  readonly hookName: string;
  readonly current: HookTarget;
  readonly next: HookTarget;
  /** The hook already notifies this stack's topic as its role: nothing to do. */
  readonly done: boolean;
}

export interface HookTarget {
  readonly topicArn: string;
  readonly roleArn: string;
  readonly heartbeatTimeoutSeconds: number;
  readonly defaultResult: string;
  readonly notificationMetadata?: string;
}

/**
 * Reads the old group, its termination hook and this stack's topic, and says what the
 * hand-over would set. Throws a one-line ConfigError for anything that makes it unsafe.
 */
export async function planHandOver(
  autoScaling: AutoScalingClient,
  sns: SNSClient,
  groupName: string,
  drain: DrainMachinery,
): Promise<HandOverPlan> {
  if (!groupName.startsWith(drain.groupNamePrefix)) {
    throw new ConfigError(
      `${groupName}: the drain function may complete lifecycle actions only on groups named ${drain.groupNamePrefix}* (its IAM policy), so it could not release this group's instances; not handing over`,
    );
  }
  const { AutoScalingGroups: groups = [] } = await autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName] }),
  );
  const group = groups.find((g) => g.AutoScalingGroupName === groupName);
  if (group?.AutoScalingGroupARN === undefined) {
    throw new ConfigError(
      `${groupName}: no such Auto Scaling group in ${drain.region} (already replaced? then there is nothing to hand over)`,
    );
  }
  // A drain under way belongs to the old function's chain of invocations; let it finish.
  const terminating = (group.Instances ?? []).find((i) =>
    (i.LifecycleState ?? "").startsWith("Terminating"),
  );
  if (terminating !== undefined) {
    throw new ConfigError(
      `${groupName}: instance ${terminating.InstanceId} is ${terminating.LifecycleState} under the current hook; hand over once no instance of the group is terminating`,
    );
  }
  const [, partition, , , account] = group.AutoScalingGroupARN.split(":");
  const topicArn = `arn:${partition}:sns:${drain.region}:${account}:${drain.topicName}`;
  const roleArn = `arn:${partition}:iam::${account}:role/${drain.hookRoleName}`;
  await requireSubscribedFunction(sns, topicArn, drain.functionName);

  const { LifecycleHooks: hooks = [] } = await autoScaling.send(
    new DescribeLifecycleHooksCommand({ AutoScalingGroupName: groupName }),
  );
  const termination = hooks.filter((hook) => hook.LifecycleTransition === TERMINATING);
  if (termination.length !== 1) {
    throw new ConfigError(
      `${groupName}: has ${termination.length} termination lifecycle hooks (${termination.map((h) => h.LifecycleHookName).join(", ") || "none"}); the hand-over changes exactly one, so it stops here (see docs/adopting.md)`,
    );
  }
  const [hook] = termination;
  const current = targetOf(hook);
  const next: HookTarget = {
    topicArn,
    roleArn,
    heartbeatTimeoutSeconds: drain.heartbeatTimeoutSeconds,
    defaultResult: current.defaultResult,
    notificationMetadata: drain.notificationMetadata,
  };
  return {
    groupName,
    hookName: hook.LifecycleHookName ?? "",
    current,
    next,
    done: current.topicArn === topicArn && current.roleArn === roleArn,
  };
}

/** Points the hook at this stack's topic and role; reads it back to confirm. */
export async function applyHandOver(
  autoScaling: AutoScalingClient,
  plan: HandOverPlan,
): Promise<void> {
  await autoScaling.send(putHook(plan, plan.next));
  const { LifecycleHooks: hooks = [] } = await autoScaling.send(
    new DescribeLifecycleHooksCommand({
      AutoScalingGroupName: plan.groupName,
      LifecycleHookNames: [plan.hookName],
    }),
  );
  const now = hooks[0] === undefined ? undefined : targetOf(hooks[0]);
  if (now?.topicArn !== plan.next.topicArn || now.roleArn !== plan.next.roleArn) {
    throw new ConfigError(
      `${plan.groupName}: hook ${plan.hookName} does not read back as handed over (notifies ${now?.topicArn ?? "nothing"}); check it with aws autoscaling describe-lifecycle-hooks`,
    );
  }
}

/** The AWS CLI command that puts the hook back as it was. */
export function undoCommand(plan: HandOverPlan, region: string): string {
  const { current } = plan;
  const metadata =
    current.notificationMetadata === undefined
      ? ""
      : ` --notification-metadata '${current.notificationMetadata.replace(/'/g, "'\\''")}'`;
  return (
    `aws autoscaling put-lifecycle-hook --region ${region} --auto-scaling-group-name ${plan.groupName}` +
    ` --lifecycle-hook-name ${plan.hookName} --lifecycle-transition ${TERMINATING}` +
    ` --notification-target-arn ${current.topicArn} --role-arn ${current.roleArn}` +
    ` --heartbeat-timeout ${current.heartbeatTimeoutSeconds} --default-result ${current.defaultResult}${metadata}`
  );
}

function putHook(plan: HandOverPlan, target: HookTarget): PutLifecycleHookCommand {
  return new PutLifecycleHookCommand({
    AutoScalingGroupName: plan.groupName,
    LifecycleHookName: plan.hookName,
    LifecycleTransition: TERMINATING,
    NotificationTargetARN: target.topicArn,
    RoleARN: target.roleArn,
    HeartbeatTimeout: target.heartbeatTimeoutSeconds,
    DefaultResult: target.defaultResult,
    NotificationMetadata: target.notificationMetadata,
  });
}

function targetOf(hook: LifecycleHook): HookTarget {
  return {
    topicArn: hook.NotificationTargetARN ?? "",
    roleArn: hook.RoleARN ?? "",
    heartbeatTimeoutSeconds: hook.HeartbeatTimeout ?? 3600,
    defaultResult: hook.DefaultResult ?? "ABANDON",
    notificationMetadata: hook.NotificationMetadata,
  };
}

/**
 * The topic must exist with this stack's function subscribed: otherwise the old instances'
 * notifications would reach nobody, and each would be released with its tasks at its hook's
 * heartbeat timeout.
 */
async function requireSubscribedFunction(
  sns: SNSClient,
  topicArn: string,
  functionName: string,
): Promise<void> {
  try {
    await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  } catch (error) {
    if ((error as Error).name !== "NotFoundException") throw error;
    throw new ConfigError(
      `${topicArn}: this stack's drain topic does not exist yet; apply the drain machinery first (docs/adopting.md)`,
    );
  }
  const pages = paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: topicArn });
  for await (const page of pages) {
    const subscribed = (page.Subscriptions ?? []).some(
      ({ Protocol, Endpoint }) =>
        Protocol === "lambda" && (Endpoint ?? "").endsWith(`:function:${functionName}`),
    );
    if (subscribed) return;
  }
  throw new ConfigError(
    `${topicArn}: the drain function ${functionName} is not subscribed to it yet; apply the drain machinery first (docs/adopting.md)`,
  );
}
