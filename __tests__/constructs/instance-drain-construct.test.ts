import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { InstanceDrainProps } from "../../constructs/instance-drain";
import { SynthesizedDocument } from "../../change-set/change-set";
import {
  DRAIN_ZIP,
  clusterWithDrain,
  emptyStack,
  onlyResource,
  synthScope,
} from "../../simulation/fixtures";

type PolicyStatement = {
  sid?: string;
  effect?: string;
  actions: string[];
  resources: string[];
  condition?: Array<{ test: string; variable: string; values: string[] }>;
  principals?: Array<{ type: string; identifiers: string[] }>;
};

function synth(props: Partial<InstanceDrainProps> = {}) {
  const doc = synthScope((scope) => clusterWithDrain(scope, props));
  return { doc, fn: onlyResource(doc, "aws_lambda_function") };
}

function policy(doc: SynthesizedDocument, name: string): PolicyStatement[] {
  const document = doc.data?.aws_iam_policy_document?.[name] as { statement: PolicyStatement[] };
  return document.statement;
}

/** A service acting for another account's resource names it in aws:SourceAccount. */
const THIS_ACCOUNT_ONLY = {
  test: "StringEqualsIfExists",
  variable: "aws:SourceAccount",
  values: ["${data.aws_caller_identity.current.account_id}"],
};

describe("InstanceDrain", () => {
  describe("function", () => {
    it("runs the packaged handler on nodejs24.x, updating when the zip's bytes change", () => {
      const { fn } = synth();
      expect(fn).toMatchObject({
        function_name: "apps-test-instance-drain",
        runtime: "nodejs24.x",
        handler: "index.handler",
        role: "${aws_iam_role.instance_drain.arn}",
        source_code_hash: createHash("sha256").update(readFileSync(DRAIN_ZIP)).digest("base64"),
      });
      expect(fn.filename).toMatch(/^assets\/.+\/instance-drain\.zip$/);
    });

    it("defaults to a 900 s timeout, 256 MB, 10 s polls and a one-hour drain timeout", () => {
      const { fn } = synth();
      expect(fn).toMatchObject({ timeout: 900, memory_size: 256 });
      expect(fn.environment).toEqual({
        variables: {
          CLUSTER_NAME: "apps-test",
          POLL_SECONDS: "10",
          MAX_DRAIN_SECONDS: "3600",
          REGISTRATION_TIMEOUT_SECONDS: "600",
        },
      });
    });

    it("takes timeout, memory, poll interval, drain timeout and registration timeout from props", () => {
      const { fn } = synth({
        lambdaTimeoutSeconds: 300,
        memorySizeMb: 512,
        pollSeconds: 5,
        drainTimeoutMinutes: 45,
        registrationTimeoutSeconds: 900,
      });
      expect(fn).toMatchObject({ timeout: 300, memory_size: 512 });
      expect(fn.environment).toEqual({
        variables: {
          CLUSTER_NAME: "apps-test",
          POLL_SECONDS: "5",
          MAX_DRAIN_SECONDS: "2700",
          REGISTRATION_TIMEOUT_SECONDS: "900",
        },
      });
    });

    it("logs to its own log group, kept a year by default for incident reviews", () => {
      const { doc, fn } = synth();
      expect(onlyResource(doc, "aws_cloudwatch_log_group")).toMatchObject({
        name: "/aws/lambda/apps-test-instance-drain",
        retention_in_days: 365,
      });
      expect(fn.logging_config).toMatchObject({
        log_group: "${aws_cloudwatch_log_group.instance_drain.name}",
      });
      expect(fn.depends_on).toEqual([
        "aws_cloudwatch_log_group.instance_drain",
        "aws_iam_role_policy.instance_drain",
      ]);
    });

    it("reserves 20 concurrent executions by default, a backstop for a runaway chain", () => {
      expect(synth().fn.reserved_concurrent_executions).toBe(20);
    });

    it("takes the reserved concurrency from props", () => {
      expect(synth({ reservedConcurrentExecutions: 8 }).fn.reserved_concurrent_executions).toBe(8);
    });

    it("takes the log retention from props", () => {
      const { doc } = synth({ logRetentionDays: 90 });
      expect(onlyResource(doc, "aws_cloudwatch_log_group").retention_in_days).toBe(90);
    });

    it("may continue a drain through its own topic for as long as the drain timeout allows", () => {
      expect(onlyResource(synth().doc, "aws_lambda_function_recursion_config")).toMatchObject({
        function_name: "${aws_lambda_function.instance_drain.function_name}",
        recursive_loop: "Allow",
      });
    });

    it("is invoked by its topic only", () => {
      const { doc } = synth();
      expect(onlyResource(doc, "aws_sns_topic_subscription")).toMatchObject({
        topic_arn: "${aws_sns_topic.instance_drain.arn}",
        protocol: "lambda",
        endpoint: "${aws_lambda_function.instance_drain.arn}",
      });
      expect(onlyResource(doc, "aws_lambda_permission")).toMatchObject({
        action: "lambda:InvokeFunction",
        statement_id_prefix: "AllowDrainTopic",
        function_name: "${aws_lambda_function.instance_drain.function_name}",
        principal: "sns.amazonaws.com",
        source_arn: "${aws_sns_topic.instance_drain.arn}",
      });
    });
  });

  describe("errors alarm", () => {
    const alarm = (props: Partial<InstanceDrainProps> = {}) =>
      synth(props).doc.resource?.aws_cloudwatch_metric_alarm?.instance_drain_errors;

    it("fires on any failed invocation of the function", () => {
      expect(alarm()).toMatchObject({
        alarm_name: "apps-test-instance-drain-errors",
        namespace: "AWS/Lambda",
        metric_name: "Errors",
        dimensions: { FunctionName: "${aws_lambda_function.instance_drain.function_name}" },
        statistic: "Sum",
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treat_missing_data: "notBreaching",
      });
    });

    it("notifies nobody by default", () => {
      expect(alarm()).not.toHaveProperty("alarm_actions");
    });

    it("notifies the topic when it fires and when it recovers", () => {
      const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
      expect(alarm({ alarmActionsTopicArn: topic })).toMatchObject({
        alarm_actions: [topic],
        ok_actions: [topic],
      });
    });
  });

  describe("failed events", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    const failuresAlarm = (props: Partial<InstanceDrainProps> = {}) =>
      synth(props).doc.resource?.aws_cloudwatch_metric_alarm?.instance_drain_failures;

    it("keeps events the function failed on after Lambda's retries in an encrypted queue for 14 days", () => {
      const { doc, fn } = synth();
      expect(fn.dead_letter_config).toEqual({
        target_arn: "${aws_sqs_queue.instance_drain_failures.arn}",
      });
      expect(onlyResource(doc, "aws_sqs_queue")).toMatchObject({
        name: "apps-test-instance-drain-failures",
        message_retention_seconds: 14 * 24 * 3600,
        sqs_managed_sse_enabled: true,
      });
    });

    it("alarms on each new failed event: any sent to the queue within 5 minutes (issue 16 §4)", () => {
      expect(failuresAlarm()).toMatchObject({
        alarm_name: "apps-test-instance-drain-failures",
        namespace: "AWS/SQS",
        metric_name: "NumberOfMessagesSent",
        dimensions: { QueueName: "${aws_sqs_queue.instance_drain_failures.name}" },
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treat_missing_data: "notBreaching",
      });
    });

    it("notifies nobody of failed events by default", () => {
      expect(failuresAlarm()).not.toHaveProperty("alarm_actions");
      expect(failuresAlarm()).not.toHaveProperty("ok_actions");
    });

    it("notifies the alarm topic of failed events, as it does of errors", () => {
      expect(failuresAlarm({ alarmActionsTopicArn: topic })).toMatchObject({
        alarm_actions: [topic],
        ok_actions: [topic],
      });
    });
  });

  describe("topic policy", () => {
    const hookRole = "${aws_iam_role.lifecycle_hook.arn}";
    const functionRole = "${aws_iam_role.instance_drain.arn}";

    it("applies the policy document to the drain topic", () => {
      expect(onlyResource(synth().doc, "aws_sns_topic_policy")).toEqual(
        expect.objectContaining({
          arn: "${aws_sns_topic.instance_drain.arn}",
          policy: "${data.aws_iam_policy_document.instance_drain_topic.json}",
        }),
      );
    });

    it("lets the hook role and the function's role publish, and denies publishing to everyone else", () => {
      expect(policy(synth().doc, "instance_drain_topic")).toEqual([
        {
          sid: "LifecycleHookAndDrainFunction",
          actions: ["sns:Publish"],
          resources: ["${aws_sns_topic.instance_drain.arn}"],
          principals: [{ type: "AWS", identifiers: [hookRole, functionRole] }],
        },
        {
          sid: "NobodyElse",
          effect: "Deny",
          actions: ["sns:Publish"],
          resources: ["${aws_sns_topic.instance_drain.arn}"],
          principals: [{ type: "AWS", identifiers: ["*"] }],
          condition: [
            {
              test: "ArnNotEquals",
              variable: "aws:PrincipalArn",
              values: [hookRole, functionRole],
            },
          ],
        },
      ]);
    });

    it("is kept, like the rest of the drain machinery, until the old ASG has drained", () => {
      const { drain } = clusterWithDrain(emptyStack());
      expect(drain.drainDependencies).toContainEqual(expect.any(SnsTopicPolicy));
    });
  });

  describe("topic and hook role", () => {
    it("encrypts the topic", () => {
      expect(onlyResource(synth().doc, "aws_sns_topic")).toMatchObject({
        name: "apps-test-instance-drain",
        kms_master_key_id: "alias/aws/sns",
      });
    });

    it("lets Auto Scaling assume the hook role and publish to the drain topic only", () => {
      const { doc } = synth();
      const hookRole = doc.resource?.aws_iam_role?.lifecycle_hook;
      expect(hookRole).toMatchObject({
        assume_role_policy: "${data.aws_iam_policy_document.autoscaling_trust.json}",
      });
      expect(policy(doc, "autoscaling_trust")).toEqual([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["autoscaling.amazonaws.com"] }],
          condition: [THIS_ACCOUNT_ONLY],
        },
      ]);
      expect(policy(doc, "lifecycle_hook")).toEqual([
        { actions: ["sns:Publish"], resources: ["${aws_sns_topic.instance_drain.arn}"] },
      ]);
    });
  });

  describe("function role", () => {
    it("may be assumed by Lambda on this account's behalf only", () => {
      const { doc, fn } = synth();
      expect(fn.role).toBe("${aws_iam_role.instance_drain.arn}");
      expect(doc.resource?.aws_iam_role?.instance_drain).toMatchObject({
        assume_role_policy: "${data.aws_iam_policy_document.lambda_trust.json}",
      });
      expect(policy(doc, "lambda_trust")).toEqual([
        {
          actions: ["sts:AssumeRole"],
          principals: [{ type: "Service", identifiers: ["lambda.amazonaws.com"] }],
          condition: [THIS_ACCOUNT_ONLY],
        },
      ]);
    });
  });

  describe("function permissions (least privilege)", () => {
    const statements = () => policy(synth().doc, "instance_drain");
    const statement = (sid: string) => statements().find((s) => s.sid === sid);

    it("grants no wildcard action, and `*` only for the one action without resource-level permissions", () => {
      for (const { sid, actions, resources } of statements()) {
        for (const action of actions) expect(action).not.toContain("*");
        if (sid !== "CheckLifecycleState") expect(resources).not.toContain("*");
      }
      expect(statement("CheckLifecycleState")).toEqual({
        sid: "CheckLifecycleState",
        actions: ["autoscaling:DescribeAutoScalingInstances"],
        resources: ["*"],
      });
    });

    it("lists and describes the tasks of its own cluster's instances only", () => {
      const inCluster = [
        { test: "ArnEquals", variable: "ecs:cluster", values: ["${aws_ecs_cluster.cluster.arn}"] },
      ];
      const list = statement("ListInstanceTasks");
      expect(list?.actions).toEqual(["ecs:ListTasks"]);
      expect(list?.resources).toHaveLength(1);
      expect(list?.resources[0]).toMatch(/:container-instance\/apps-test\/\*$/);
      expect(list?.condition).toEqual(inCluster);
      const describe = statement("DescribeInstanceTasks");
      expect(describe?.actions).toEqual(["ecs:DescribeTasks"]);
      expect(describe?.resources).toHaveLength(1);
      expect(describe?.resources[0]).toMatch(
        /^arn:\$\{data\.aws_partition\.current\.partition\}:ecs:\$\{data\.aws_region\.current\.region\}:\$\{data\.aws_caller_identity\.current\.account_id\}:task\/apps-test\/\*$/,
      );
      expect(describe?.condition).toEqual(inCluster);
    });

    it("sends failed events to its own dead-letter queue only", () => {
      expect(statement("KeepFailedEvents")).toEqual({
        sid: "KeepFailedEvents",
        actions: ["sqs:SendMessage"],
        resources: ["${aws_sqs_queue.instance_drain_failures.arn}"],
      });
    });

    it("lists container instances of its own cluster only", () => {
      expect(statement("FindContainerInstance")).toMatchObject({
        actions: ["ecs:ListContainerInstances"],
        resources: ["${aws_ecs_cluster.cluster.arn}"],
      });
    });

    it("drains container instances only under the condition that they belong to its cluster", () => {
      const drain = statement("DrainContainerInstance");
      expect(drain?.actions).toEqual([
        "ecs:DescribeContainerInstances",
        "ecs:UpdateContainerInstancesState",
      ]);
      expect(drain?.resources[0]).toMatch(/:container-instance\/apps-test\/\*$/);
      expect(drain?.condition).toEqual([
        { test: "ArnEquals", variable: "ecs:cluster", values: ["${aws_ecs_cluster.cluster.arn}"] },
      ]);
    });

    it("completes lifecycle actions on ASGs named with the cluster's prefix, never one ASG", () => {
      const release = statement("ReleaseInstance");
      expect(release?.actions).toEqual([
        "autoscaling:CompleteLifecycleAction",
        "autoscaling:RecordLifecycleActionHeartbeat",
      ]);
      expect(release?.resources).toHaveLength(1);
      expect(release?.resources[0]).toMatch(
        /:autoScalingGroup:\*:autoScalingGroupName\/apps-test-\*$/,
      );
    });

    it("publishes to its own topic only", () => {
      expect(statement("ContinueLongDrain")).toMatchObject({
        actions: ["sns:Publish"],
        resources: ["${aws_sns_topic.instance_drain.arn}"],
      });
    });

    it("writes only to its own log group", () => {
      expect(statement("WriteLogs")).toMatchObject({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: ["${aws_cloudwatch_log_group.instance_drain.arn}:*"],
      });
    });
  });

  describe("timing", () => {
    it("gives a new instance 10 minutes to register by default", () => {
      expect(clusterWithDrain(emptyStack()).drain.registrationTimeoutSeconds).toBe(600);
    });

    it("takes the registration timeout from props", () => {
      const { drain } = clusterWithDrain(emptyStack(), { registrationTimeoutSeconds: 1800 });
      expect(drain.registrationTimeoutSeconds).toBe(1800);
    });

    it("defaults the heartbeat to the function timeout plus 5 minutes for redelivery and retries", () => {
      const { drain } = clusterWithDrain(emptyStack());
      expect(drain.heartbeatTimeoutSeconds).toBe(1200);
      expect(drain.drainTimeoutMinutes).toBe(60);
      // The capacity wait and the drain timeout, 60 minutes each, then one heartbeat.
      expect(drain.timing.worstCaseDrainSeconds).toBe((2 * 60 + 20) * 60);
    });

    it("follows a shorter function timeout with a shorter default heartbeat", () => {
      const { drain } = clusterWithDrain(emptyStack(), { lambdaTimeoutSeconds: 300 });
      expect(drain.heartbeatTimeoutSeconds).toBe(600);
    });

    it("counts the capacity wait, the drain and one heartbeat in the worst case of a drain", () => {
      const { drain } = clusterWithDrain(emptyStack(), {
        drainTimeoutMinutes: 30,
        lambdaTimeoutSeconds: 600,
        heartbeatTimeoutSeconds: 1000,
      });
      expect(drain.timing.worstCaseDrainSeconds).toBe(2 * 30 * 60 + 1000);
    });

    test.each<[string, Partial<InstanceDrainProps>, string]>([
      [
        "a reserved concurrency of 0, which would stop every drain",
        { reservedConcurrentExecutions: 0 },
        "InstanceDrain reservedConcurrentExecutions must be a whole number of at least 1 (0 would stop every drain), got 0",
      ],
      [
        "a zero drain timeout",
        { drainTimeoutMinutes: 0 },
        "InstanceDrain drainTimeoutMinutes must be a whole number of at least 1, got 0",
      ],
      [
        "a function timeout above Lambda's limit",
        { lambdaTimeoutSeconds: 901 },
        "InstanceDrain lambdaTimeoutSeconds must be at most 900 (Lambda's limit), got 901",
      ],
      [
        "a function timeout under two minutes",
        { lambdaTimeoutSeconds: 60 },
        "InstanceDrain lambdaTimeoutSeconds must be a whole number of at least 120, got 60",
      ],
      [
        "a poll interval that leaves no room for polls before the hand-off",
        { lambdaTimeoutSeconds: 120, pollSeconds: 16 },
        "InstanceDrain pollSeconds must be at most 15: 4 poll intervals and the 60 s hand-off must fit in lambdaTimeoutSeconds (120), got 16",
      ],
      [
        "a heartbeat shorter than an invocation and its retries",
        { heartbeatTimeoutSeconds: 1100 },
        "InstanceDrain heartbeatTimeoutSeconds must be at least lambdaTimeoutSeconds + 300 (1200) so the hook outlives an invocation and its retries, got 1100",
      ],
      [
        "a heartbeat above Auto Scaling's limit",
        { heartbeatTimeoutSeconds: 7201 },
        "InstanceDrain heartbeatTimeoutSeconds must be at most 7200 (Auto Scaling's limit), got 7201",
      ],
      [
        "a drain timeout beyond the hook's global timeout",
        { lambdaTimeoutSeconds: 120, heartbeatTimeoutSeconds: 420, drainTimeoutMinutes: 347 },
        "InstanceDrain drainTimeoutMinutes must fit twice (the wait for capacity, then the drain) plus one heartbeat (420 s) in the hook's global timeout (700 minutes: the lesser of 48 hours and 100 heartbeats); the worst case would be 701 minutes, got 347",
      ],
      [
        // Issue 16 §3: passed the old check (1200 + 20 minutes < 2000), worst case 40 hours.
        "a drain timeout whose capacity wait and drain outlive the hook",
        { drainTimeoutMinutes: 1200, heartbeatTimeoutSeconds: 1200 },
        "InstanceDrain drainTimeoutMinutes must fit twice (the wait for capacity, then the drain) plus one heartbeat (1200 s) in the hook's global timeout (2000 minutes: the lesser of 48 hours and 100 heartbeats); the worst case would be 2420 minutes, got 1200",
      ],
      [
        "a registration timeout too short to boot and register",
        { registrationTimeoutSeconds: 59 },
        "InstanceDrain registrationTimeoutSeconds must be a whole number from 60 (time to boot and register) to 7200 (Auto Scaling's limit), got 59",
      ],
      [
        "a registration timeout above Auto Scaling's heartbeat limit",
        { registrationTimeoutSeconds: 7201 },
        "InstanceDrain registrationTimeoutSeconds must be a whole number from 60 (time to boot and register) to 7200 (Auto Scaling's limit), got 7201",
      ],
      [
        "a fractional registration timeout",
        { registrationTimeoutSeconds: 600.5 },
        "InstanceDrain registrationTimeoutSeconds must be a whole number from 60 (time to boot and register) to 7200 (Auto Scaling's limit), got 600.5",
      ],
    ])("rejects %s", (_case, props, message) => {
      expect(() => clusterWithDrain(emptyStack(), props)).toThrow(message);
    });
  });
});
