import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Construct } from "constructs";
import { AssetType, ITerraformDependable, TerraformAsset } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionRecursionConfig } from "@cdktf/provider-aws/lib/lambda-function-recursion-config";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import {
  drainEnvironment,
  DrainTimingError,
  resolveDrainTiming,
  type DrainTiming,
} from "../lambda/instance-drain/contract";
import { LAMBDA_RUNTIME } from "../lambda/runtime";
import { ConfigError, describeValue } from "../config/config-error";
import { DrainFailures } from "./drain-failures";
import { EcsCluster } from "./ecs-cluster";
import { readable } from "./readable-address";

export interface InstanceDrainProps {
  /** The cluster whose instances are drained; scopes the function's ECS and ASG permissions. */
  readonly cluster: EcsCluster;
  /**
   * Path of the deterministic zip holding the bundled handler (`index.js` exporting `handler`),
   * as written by `packageLambda` in lambda/bundle.ts.
   */
  readonly codeZipPath: string;
  /**
   * Longest time an instance may spend draining, counted from DRAINING; also the longest wait
   * for another instance to take its tasks before DRAINING. After it the function lets the
   * instance terminate even with tasks left (and logs a warning), so a stuck task cannot hold a
   * rollout, unless a service still wants one of its tasks RUNNING there (a blocked drain).
   * Twice this plus one heartbeat must fit in the hook's global timeout.
   * @default 60 — one hour (DRAIN_TIMING_RULES in lambda/instance-drain/contract.ts)
   */
  readonly drainTimeoutMinutes?: number;
  /**
   * Timeout of one function invocation. A longer drain continues in a new invocation.
   * @default 900 — Lambda's maximum, so a drain needs one invocation per ~15 minutes
   */
  readonly lambdaTimeoutSeconds?: number;
  /**
   * Heartbeat timeout of the termination lifecycle hook. The function records a heartbeat as each
   * continuing invocation starts and as it hands off, so this must outlast one invocation plus
   * redelivery or Lambda's retries of a failed one (5 minutes); if the function
   * stops working, the instance terminates this long after its last heartbeat.
   * @default lambdaTimeoutSeconds + 300
   */
  readonly heartbeatTimeoutSeconds?: number;
  /**
   * Heartbeat timeout of the launch lifecycle hook: how long a new instance may take to become an
   * ACTIVE, agent-connected container instance of the cluster before Auto Scaling abandons it
   * (terminates it and launches another). The new ASG reaches its capacity only with registered
   * instances, so the old one is never drained into instances that cannot take tasks.
   * @default 600 — ten minutes
   */
  readonly registrationTimeoutSeconds?: number;
  /**
   * How often the function checks the instance's running and pending tasks.
   * @default 10
   */
  readonly pollSeconds?: number;
  /**
   * Memory of the function; it only waits on AWS APIs.
   * @default 256
   */
  readonly memorySizeMb?: number;
  /**
   * Retention of the function's log group: each drain's decisions, which an incident review
   * reads back to see why an instance was held or released, sometimes months later.
   * @default 365 — a year of rollouts, for a few lines per instance each
   */
  readonly logRetentionDays?: number;
  /**
   * Reserved concurrency of the function: a backstop, so a runaway chain of re-published
   * notifications cannot take the account's whole Lambda concurrency, and the drains always
   * have theirs. One invocation serves one instance in a lifecycle wait at a time; in a rollout
   * both groups' instances can wait at once, each perhaps with a redelivery or retry.
   * @default 20 — four times a group of 5, above the largest stage's 4 (an invocation Lambda
   * throttles is retried for up to 6 hours, so a low value delays drains rather than drops them)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * SNS topic notified by the errors alarm and the failed-events alarm (an event that Lambda
   * gave up on after its own retries, kept in the dead-letter queue), and when they recover.
   * @default none — both alarms change state without notifying anyone
   */
  readonly alarmActionsTopicArn?: string;
}

/**
 * Everything the ASG's lifecycle hooks rely on: the SNS topic both hooks notify (closed to other
 * publishers by its policy), the role they publish with, and the function that completes a
 * launch once the instance has registered with the cluster and a termination once its tasks have
 * stopped, with its role, log group, subscription, invoke permission, errors alarm and the
 * dead-letter queue (with its alarm) for events it failed on.
 */
export class InstanceDrain extends Construct {
  /** Topic the lifecycle hook notifies (and the function re-publishes to for long drains). */
  public readonly topic: SnsTopic;
  /** Role the lifecycle hook assumes to publish to the topic. */
  public readonly hookRole: IamRole;
  /** The drain function. */
  public readonly function: LambdaFunction;
  /** `aws_cloudwatch_metric_alarm.instance_drain_errors`: any failed invocation. */
  public readonly errorsAlarm: CloudwatchMetricAlarm;
  /** Heartbeat timeout the termination hook must use. */
  public readonly heartbeatTimeoutSeconds: number;
  /** Heartbeat timeout the launch hook must use: the longest wait for an instance to register. */
  public readonly registrationTimeoutSeconds: number;
  /** Where events go that the function failed on after Lambda's retries, and their alarm. */
  public readonly failures: DrainFailures;
  /** Longest drain before the function lets an instance go. */
  public readonly drainTimeoutMinutes: number;
  /** Every timeout of the drain, from the contract the function shares. */
  public readonly timing: DrainTiming;
  /**
   * What a termination must find working until the last instance has drained: the function, its
   * recursion setting, subscription and invoke permission, both roles' policies and the topic's
   * policy. The ASG depends on them, so Terraform destroys none of them while an old ASG is
   * still draining (they are then replaced create-before-destroy, like everything a
   * create-before-destroy resource depends on). In-place updates still apply before the old ASG
   * drains, and before the new ASG's first instance asks the function to vouch for it.
   */
  public readonly drainDependencies: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: InstanceDrainProps) {
    super(scope, id);
    const timing = drainTiming(props);
    this.timing = timing;
    this.heartbeatTimeoutSeconds = timing.heartbeatTimeoutSeconds;
    this.registrationTimeoutSeconds = timing.registrationTimeoutSeconds;
    this.drainTimeoutMinutes = timing.drainTimeoutMinutes;
    const reservedConcurrentExecutions = props.reservedConcurrentExecutions ?? 20;
    if (!Number.isInteger(reservedConcurrentExecutions) || reservedConcurrentExecutions < 1) {
      throw new ConfigError(
        `InstanceDrain reservedConcurrentExecutions must be a whole number of at least 1 (0 would stop every drain), got ${describeValue(props.reservedConcurrentExecutions)}`,
      );
    }
    const memorySizeMb = props.memorySizeMb ?? 256;

    const { cluster } = props;
    const { names } = cluster;
    const name = names.drainFunction;
    const partition = readable(new DataAwsPartition(this, "Partition"), "current").partition;
    const region = readable(new DataAwsRegion(this, "Region"), "current").region;
    const account = readable(new DataAwsCallerIdentity(this, "Account"), "current").accountId;

    this.topic = readable(
      new SnsTopic(this, "Topic", {
        name,
        // AWS-managed key: the hook role and the function publish as principals of this account.
        kmsMasterKeyId: "alias/aws/sns",
      }),
      "instance_drain",
    );

    const hookPolicy = readable(
      new DataAwsIamPolicyDocument(this, "HookPolicy", {
        statement: [{ actions: ["sns:Publish"], resources: [this.topic.arn] }],
      }),
      "lifecycle_hook",
    );
    this.hookRole = readable(
      new IamRole(this, "HookRole", {
        name: names.hookRole,
        assumeRolePolicy: trustPolicy(this, "HookTrust", "autoscaling.amazonaws.com", account),
      }),
      "lifecycle_hook",
    );
    const hookRolePolicy = readable(
      new IamRolePolicy(this, "HookRolePolicy", {
        name: "publish-to-drain-topic",
        role: this.hookRole.name,
        policy: hookPolicy.json,
      }),
      "lifecycle_hook",
    );

    const logGroup = readable(
      new CloudwatchLogGroup(this, "LogGroup", {
        name: names.drainLogGroup,
        retentionInDays: props.logRetentionDays ?? 365,
      }),
      "instance_drain",
    );

    this.failures = new DrainFailures(this, "Failures", {
      cluster,
      actionsTopicArn: props.alarmActionsTopicArn,
    });

    const containerInstances = `arn:${partition}:ecs:${region}:${account}:container-instance/${cluster.clusterName}/*`;
    const tasks = `arn:${partition}:ecs:${region}:${account}:task/${cluster.clusterName}/*`;
    const services = `arn:${partition}:ecs:${region}:${account}:service/${cluster.clusterName}/*`;
    const inCluster = [
      { test: "ArnEquals", variable: "ecs:cluster", values: [cluster.cluster.arn] },
    ];
    // ASG names change with every AMI update, so the policy names them by the cluster's prefix.
    const clusterAsgs = `arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${cluster.instanceNamePrefix}*`;
    const functionPolicy = new DataAwsIamPolicyDocument(this, "FunctionPolicy", {
      statement: [
        {
          sid: "WriteLogs",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          resources: [`${logGroup.arn}:*`],
        },
        {
          sid: "FindContainerInstance",
          actions: ["ecs:ListContainerInstances"],
          resources: [cluster.cluster.arn],
        },
        {
          // Describe also finds the cluster's other usable instances before a drain starts.
          sid: "DrainContainerInstance",
          actions: ["ecs:DescribeContainerInstances", "ecs:UpdateContainerInstancesState"],
          resources: [containerInstances],
          condition: inCluster,
        },
        {
          sid: "ListInstanceTasks",
          actions: ["ecs:ListTasks"],
          resources: [containerInstances],
          condition: inCluster,
        },
        {
          sid: "DescribeInstanceTasks",
          actions: ["ecs:DescribeTasks"],
          resources: [tasks],
          condition: inCluster,
        },
        {
          // At the drain timeout: a daemon service's task does not hold an instance (ECS stops
          // it last), so the function asks which of the services still there are daemons.
          // The service ARN names the cluster already; no ecs:cluster condition, since a key
          // the action does not provide would deny silently (the drain would then hold).
          sid: "DescribeClusterServices",
          actions: ["ecs:DescribeServices"],
          resources: [services],
        },
        {
          // Confirms that a notification's instance really is in Pending:Wait or
          // Terminating:Wait. The action supports no resource-level permissions, hence `*`.
          sid: "CheckLifecycleState",
          actions: ["autoscaling:DescribeAutoScalingInstances"],
          resources: ["*"],
        },
        {
          sid: "ReleaseInstance",
          actions: [
            "autoscaling:CompleteLifecycleAction",
            "autoscaling:RecordLifecycleActionHeartbeat",
          ],
          resources: [clusterAsgs],
        },
        {
          sid: "ContinueLongDrain",
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
        },
        {
          // Lambda sends a failed event to the dead-letter queue with the function's role.
          sid: "KeepFailedEvents",
          actions: ["sqs:SendMessage"],
          resources: [this.failures.queue.arn],
        },
      ],
    });
    readable(functionPolicy, "instance_drain");
    const functionRole = readable(
      new IamRole(this, "FunctionRole", {
        name,
        assumeRolePolicy: trustPolicy(this, "FunctionTrust", "lambda.amazonaws.com", account),
      }),
      "instance_drain",
    );
    const topicPolicy = publishersOnly(this, this.topic, [this.hookRole, functionRole]);
    const functionRolePolicy = readable(
      new IamRolePolicy(this, "FunctionRolePolicy", {
        name: "drain-instances",
        role: functionRole.name,
        policy: functionPolicy.json,
      }),
      "instance_drain",
    );

    const code = new TerraformAsset(this, "Code", {
      path: props.codeZipPath,
      type: AssetType.FILE,
    });
    this.function = new LambdaFunction(this, "Function", {
      functionName: name,
      description: `Drains ECS tasks off ${cluster.clusterName} instances before they terminate`,
      role: functionRole.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: code.path,
      sourceCodeHash: createHash("sha256").update(readFileSync(props.codeZipPath)).digest("base64"),
      timeout: timing.lambdaTimeoutSeconds,
      memorySize: memorySizeMb,
      reservedConcurrentExecutions,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      environment: {
        variables: drainEnvironment({
          clusterName: cluster.clusterName,
          pollSeconds: timing.pollSeconds,
          drainTimeoutSeconds: timing.drainTimeoutSeconds,
          registrationTimeoutSeconds: timing.registrationTimeoutSeconds,
        }),
      },
      deadLetterConfig: { targetArn: this.failures.queue.arn },
      // The first invocation must be able to log and to act.
      dependsOn: [logGroup, functionRolePolicy],
    });
    readable(this.function, "instance_drain");

    const invokePermission = readable(
      new LambdaPermission(this, "InvokePermission", {
        // A prefix, not a fixed id: the ASG depends on this permission, which makes Terraform
        // create its replacement before destroying it, and two statements cannot share an id.
        statementIdPrefix: "AllowDrainTopic",
        action: "lambda:InvokeFunction",
        functionName: this.function.functionName,
        principal: "sns.amazonaws.com",
        sourceArn: this.topic.arn,
      }),
      "instance_drain",
    );
    // The function re-publishes its own notification by design, one hop per invocation (about
    // 14 minutes) until the drain timeout. Lambda's loop detection would stop any chain after
    // about 16 hops, silently cutting drains longer than some 3.5 hours.
    const recursion = readable(
      new LambdaFunctionRecursionConfig(this, "RecursionConfig", {
        functionName: this.function.functionName,
        recursiveLoop: "Allow",
      }),
      "instance_drain",
    );
    const subscription = readable(
      new SnsTopicSubscription(this, "Subscription", {
        topicArn: this.topic.arn,
        protocol: "lambda",
        endpoint: this.function.arn,
      }),
      "instance_drain",
    );
    const actions = props.alarmActionsTopicArn ? [props.alarmActionsTopicArn] : undefined;
    this.errorsAlarm = readable(
      new CloudwatchMetricAlarm(this, "ErrorsAlarm", {
        alarmName: names.drainErrorsAlarm,
        alarmDescription: `The drain function of ${cluster.clusterName} failed; instances may terminate with tasks`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: this.function.functionName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        // No invocations (no rollout under way) is the normal state.
        treatMissingData: "notBreaching",
        alarmActions: actions,
        okActions: actions,
      }),
      "instance_drain_errors",
    );

    this.drainDependencies = [
      this.function,
      recursion,
      subscription,
      invokePermission,
      hookRolePolicy,
      functionRolePolicy,
      topicPolicy,
    ];
  }
}

/** Applies the defaults and checks the timeouts, with the contract's rules. */
function drainTiming(props: InstanceDrainProps): DrainTiming {
  try {
    return resolveDrainTiming(props);
  } catch (error) {
    if (!(error instanceof DrainTimingError)) throw error;
    throw new ConfigError(
      `InstanceDrain ${error.field} ${error.rule}, got ${describeValue(error.value)}`,
    );
  }
}

/**
 * `aws_sns_topic_policy.instance_drain`: only the hook role and the function may publish, since
 * whatever reaches the topic can make the function drain an instance. The Allow alone would not
 * do it: a principal of the same account whose own IAM policy allows sns:Publish needs nothing
 * from the topic's policy, so everyone else is denied explicitly, by principal ARN (which also
 * denies requests that carry none, such as anonymous ones).
 */
function publishersOnly(scope: Construct, topic: SnsTopic, publishers: IamRole[]): SnsTopicPolicy {
  const arns = publishers.map((role) => role.arn);
  const document = readable(
    new DataAwsIamPolicyDocument(scope, "TopicPolicyDocument", {
      statement: [
        {
          sid: "LifecycleHookAndDrainFunction",
          actions: ["sns:Publish"],
          resources: [topic.arn],
          principals: [{ type: "AWS", identifiers: arns }],
        },
        {
          sid: "NobodyElse",
          effect: "Deny",
          actions: ["sns:Publish"],
          resources: [topic.arn],
          principals: [{ type: "AWS", identifiers: ["*"] }],
          condition: [{ test: "ArnNotEquals", variable: "aws:PrincipalArn", values: arns }],
        },
      ],
    }),
    "instance_drain_topic",
  );
  return readable(
    new SnsTopicPolicy(scope, "TopicPolicy", { arn: topic.arn, policy: document.json }),
    "instance_drain",
  );
}

/**
 * Trust policy letting one AWS service assume a role on this account's behalf only; its address
 * is `<service>_trust`. A service acting for another account's resource names that account in
 * `aws:SourceAccount` (the confused deputy AWS warns of). `IfExists`: whether Lambda and Auto
 * Scaling send the key when they assume these roles could not be confirmed offline, and a
 * condition on a key never sent would lock the drain out of every rollout.
 */
function trustPolicy(scope: Construct, id: string, service: string, account: string): string {
  const document = new DataAwsIamPolicyDocument(scope, id, {
    statement: [
      {
        actions: ["sts:AssumeRole"],
        principals: [{ type: "Service", identifiers: [service] }],
        condition: [
          { test: "StringEqualsIfExists", variable: "aws:SourceAccount", values: [account] },
        ],
      },
    ],
  });
  return readable(document, `${service.split(".")[0]}_trust`).json;
}
