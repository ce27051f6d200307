/**
 * The scenarios of __tests__/change-set.test.ts, restated as configurations Terraform accepts
 * (the provider's required arguments are added alike to both sides by `completeRequired`; a
 * reference to a type the stacks do not use is a literal instead; the trust-policy change is a
 * change of meaning, since the provider suppresses a whitespace-only one). Scenarios that Terraform cannot plan at all (made-up types, undeclared
 * references or variables, provider aliases) are left out, and so are `count` and `for_each`,
 * which Terraform plans per instance and the prediction per block (the stacks use neither).
 */
import type { BlockConfig, BlocksByType, SynthesizedDocument } from "../../change-set/change-set";

export interface ChangeScenario {
  readonly name: string;
  readonly before: SynthesizedDocument;
  readonly after: SynthesizedDocument;
}

const resources = (resource: BlocksByType, data?: BlocksByType): SynthesizedDocument =>
  data === undefined ? { resource } : { resource, data };

/** The cluster parts an AMI update touches (clusterDocument of change-set.test.ts). */
function clusterDocument(amiId: string): SynthesizedDocument {
  return resources(
    {
      aws_launch_configuration: {
        instances: {
          name_prefix: "apps-staging-",
          image_id: amiId,
          instance_type: "t3.large",
          iam_instance_profile: "apps-staging-instance",
          lifecycle: { create_before_destroy: true },
        },
      },
      aws_autoscaling_group: {
        instances: {
          name: "${aws_launch_configuration.instances.name}",
          launch_configuration: "${aws_launch_configuration.instances.name}",
          min_size: 1,
          max_size: 2,
          enabled_metrics: ["GroupInServiceInstances"],
          initial_lifecycle_hook: [
            {
              name: "drain",
              lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING",
              notification_target_arn: "${aws_sns_topic.drain.arn}",
              role_arn: "${aws_iam_role.hook.arn}",
            },
          ],
          lifecycle: { create_before_destroy: true },
        },
      },
      aws_cloudwatch_metric_alarm: {
        low_instance_alarm: {
          alarm_name: "apps-staging-low-instances",
          dimensions: { AutoScalingGroupName: "${aws_autoscaling_group.instances.name}" },
          metric_name: "GroupInServiceInstances",
          alarm_actions: ["${aws_sns_topic.drain.arn}"],
        },
      },
      aws_sns_topic: { drain: { name: "apps-staging-drain" } },
      aws_iam_role: { hook: { name: "apps-staging-hook", assume_role_policy: "{}" } },
      aws_iam_role_policy: {
        drain: {
          role: "${aws_iam_role.hook.name}",
          policy: "${data.aws_iam_policy_document.drain.json}",
        },
      },
    },
    {
      aws_iam_policy_document: {
        drain: {
          statement: [
            {
              actions: ["autoscaling:CompleteLifecycleAction"],
              resources: [
                "arn:aws:autoscaling:*:*:autoScalingGroup:*:autoScalingGroupName/apps-staging-*",
              ],
            },
          ],
        },
      },
    },
  );
}

const oneAttribute = (
  type: string,
  before: BlockConfig,
  after: BlockConfig,
): [SynthesizedDocument, SynthesizedDocument] => [
  resources({ [type]: { x: before } }),
  resources({ [type]: { x: after } }),
];

// The real provider checks that a role policy is a JSON policy; an alarm's description is
// free text, so every kind of expression fits there.
const clusterAndText = (name: string, text: string) =>
  resources({
    aws_ecs_cluster: { cluster: { name } },
    aws_cloudwatch_metric_alarm: { p: { alarm_description: text } },
  });

/** The launch configuration replaced whenever terraform_data.hook (or one attribute) changes. */
const triggered = (trigger: string, hook: BlockConfig) =>
  resources({
    terraform_data: { hook },
    aws_launch_configuration: {
      instances: {
        image_id: "ami-1",
        lifecycle: { create_before_destroy: true, replace_triggered_by: [trigger] },
      },
    },
  });

const withGroup = (heartbeat: number): SynthesizedDocument => ({
  resource: {
    ...triggered("terraform_data.hook", { triggers_replace: { heartbeat } }).resource,
    aws_autoscaling_group: {
      instances: { name: "${aws_launch_configuration.instances.name}", max_size: 2 },
    },
  },
});

const scenario = (name: string, [before, after]: [SynthesizedDocument, SynthesizedDocument]) => ({
  name,
  before,
  after,
});

export const CHANGE_SET_SCENARIOS: readonly ChangeScenario[] = [
  scenario("identical documents", [clusterDocument("ami-1"), clusterDocument("ami-1")]),
  scenario("a new AMI", [clusterDocument("ami-1"), clusterDocument("ami-2")]),
  scenario("a resource only in after and one only in before", [
    resources({ aws_sns_topic: { old: { name: "old" } } }),
    resources({ aws_sns_topic: { new: { name: "new" } } }),
  ]),
  scenario(
    "ECS cluster name",
    oneAttribute("aws_ecs_cluster", { name: "apps" }, { name: "apps-2" }),
  ),
  scenario(
    "ECS cluster setting",
    oneAttribute(
      "aws_ecs_cluster",
      { name: "a", setting: [] },
      { name: "a", setting: [{ name: "containerInsights", value: "enabled" }] },
    ),
  ),
  scenario("ASG max_size", oneAttribute("aws_autoscaling_group", { max_size: 2 }, { max_size: 3 })),
  scenario(
    "ASG initial_lifecycle_hook",
    oneAttribute(
      "aws_autoscaling_group",
      {
        initial_lifecycle_hook: [
          { name: "a", lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING" },
        ],
      },
      {
        initial_lifecycle_hook: [
          { name: "b", lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING" },
        ],
      },
    ),
  ),
  scenario(
    "alarm name",
    oneAttribute("aws_cloudwatch_metric_alarm", { alarm_name: "a" }, { alarm_name: "b" }),
  ),
  scenario(
    "alarm threshold",
    oneAttribute("aws_cloudwatch_metric_alarm", { threshold: 1 }, { threshold: 2 }),
  ),
  scenario(
    "topic region",
    oneAttribute("aws_sns_topic", { region: "us-east-1" }, { region: "us-east-2" }),
  ),
  scenario("role path", oneAttribute("aws_iam_role", { path: "/" }, { path: "/apps/" })),
  scenario(
    "role trust policy",
    oneAttribute(
      "aws_iam_role",
      { assume_role_policy: '{"Version":"2012-10-17","Statement":[]}' },
      {
        assume_role_policy:
          '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}',
      },
    ),
  ),
  scenario(
    "permission source_arn",
    oneAttribute(
      "aws_lambda_permission",
      { source_arn: "arn:aws:sns:us-east-1:123456789012:a" },
      { source_arn: "arn:aws:sns:us-east-1:123456789012:b" },
    ),
  ),
  scenario(
    "function memory_size",
    oneAttribute("aws_lambda_function", { memory_size: 128 }, { memory_size: 256 }),
  ),
  ...(
    [
      ["image_id", "ami-1", "ami-2"],
      ["instance_type", "t3.large", "m6i.large"],
      ["user_data", "old", "new"],
      ["key_name", "old", "new"],
      ["security_groups", ["sg-1"], ["sg-2"]],
      ["associate_public_ip_address", false, true],
    ] as const
  ).map(([attribute, before, after]) =>
    scenario(
      `launch configuration ${attribute}`,
      oneAttribute("aws_launch_configuration", { [attribute]: before }, { [attribute]: after }),
    ),
  ),
  ...(["aws_autoscaling_group", "aws_lambda_function"] as const).map((type) =>
    scenario(
      `${type} timeouts only`,
      oneAttribute(type, { timeouts: { delete: "10m" } }, { timeouts: { delete: "60m" } }),
    ),
  ),
  scenario(
    "lifecycle meta-argument",
    oneAttribute(
      "aws_launch_configuration",
      { image_id: "ami-1", lifecycle: { create_before_destroy: true } },
      { image_id: "ami-1", lifecycle: { prevent_destroy: false } },
    ),
  ),
  scenario("depends_on meta-argument", [
    resources({
      aws_sns_topic: { a: { name: "a" }, b: { name: "b" } },
      aws_launch_configuration: { lc: { image_id: "ami-1", depends_on: ["aws_sns_topic.a"] } },
    }),
    resources({
      aws_sns_topic: { a: { name: "a" }, b: { name: "b" } },
      aws_launch_configuration: { lc: { image_id: "ami-1", depends_on: ["aws_sns_topic.b"] } },
    }),
  ]),
  scenario("null and omitted alike, also inside blocks", [
    resources({
      aws_ecs_cluster: {
        c: {
          name: "c",
          configuration: [
            { execute_command_configuration: [{ logging: "DEFAULT", kms_key_id: null }] },
          ],
        },
      },
    }),
    resources({
      aws_ecs_cluster: {
        c: {
          name: "c",
          configuration: [{ execute_command_configuration: [{ logging: "DEFAULT" }] }],
          tags: null,
        },
      },
    }),
  ]),
  ...(
    [
      [
        "an unchanged attribute",
        { dimensions: { AutoScalingGroupName: "${aws_autoscaling_group.asg.name}" } },
      ],
      ["a changed attribute", { threshold: "${aws_autoscaling_group.asg.max_size}" }],
      // md5: the whole object as JSON is longer than a description may be.
      ["the whole object", { alarm_description: "${md5(jsonencode(aws_autoscaling_group.asg))}" }],
    ] as const
  ).map(([what, alarm]) =>
    scenario(
      `a reference to ${what} of an updated resource`,
      [2, 3].map((maxSize) =>
        resources({
          aws_autoscaling_group: { asg: { name: "apps", max_size: maxSize } },
          aws_cloudwatch_metric_alarm: { alarm },
        }),
      ) as [SynthesizedDocument, SynthesizedDocument],
    ),
  ),
  scenario(
    "a data source that refers to a replaced resource",
    ["apps", "apps-2"].map((name) =>
      resources(
        {
          aws_ecs_cluster: { cluster: { name } },
          aws_iam_role_policy: {
            drain: { role: "drain", policy: "${data.aws_iam_policy_document.drain.json}" },
          },
        },
        {
          aws_iam_policy_document: {
            drain: { statement: [{ resources: ["${aws_ecs_cluster.cluster.arn}"] }] },
          },
        },
      ),
    ) as [SynthesizedDocument, SynthesizedDocument],
  ),
  scenario(
    "a data source that refers to an updated resource",
    [[], [{ name: "containerInsights", value: "enabled" }]].map((setting) =>
      resources(
        {
          aws_ecs_cluster: { cluster: { name: "apps", setting } },
          aws_iam_role_policy: {
            drain: { role: "drain", policy: "${data.aws_iam_policy_document.drain.json}" },
          },
        },
        {
          aws_iam_policy_document: {
            drain: { statement: [{ resources: ["${aws_ecs_cluster.cluster.arn}"] }] },
          },
        },
      ),
    ) as [SynthesizedDocument, SynthesizedDocument],
  ),
  ...(["name", "id"] as const).map((attribute) =>
    scenario(
      `a reference to the ${attribute === "name" ? "configured" : "computed"} ${attribute} of a replaced resource`,
      ["/", "/apps/"].map((path) =>
        resources({
          aws_iam_role: { r: { name: "r", path, assume_role_policy: "{}" } },
          aws_iam_role_policy: { p: { name: "p", role: `\${aws_iam_role.r.${attribute}}` } },
        }),
      ) as [SynthesizedDocument, SynthesizedDocument],
    ),
  ),
  scenario(
    "a data source whose own configuration changed",
    ["ecs:ListTasks", "ecs:DescribeTasks"].map((action) =>
      resources(
        {
          aws_iam_role_policy: {
            drain: { role: "drain", policy: "${data.aws_iam_policy_document.drain.json}" },
          },
        },
        { aws_iam_policy_document: { drain: { statement: [{ actions: [action] }] } } },
      ),
    ) as [SynthesizedDocument, SynthesizedDocument],
  ),
  ...(
    [
      [
        "a nested value",
        "${jsonencode({Statement = [{Condition = {Values = [aws_ecs_cluster.cluster.arn]}}]})}",
      ],
      ["a list", '${jsonencode(["arn:aws:ecs:*:*:task/*", aws_ecs_cluster.cluster.arn])}'],
      ["a map", "${jsonencode({Cluster = aws_ecs_cluster.cluster.name})}"],
      [
        "a longer string",
        "arn:aws:ecs:us-east-1:1:container-instance/${aws_ecs_cluster.cluster.name}/*",
      ],
      ["a function call", "${lower(aws_ecs_cluster.cluster.name)}"],
      ["jsonencode", '${jsonencode({"Resource" = ["${aws_ecs_cluster.cluster.arn}/*"]})}'],
      ["plain text (not a reference)", "managed next to aws_ecs_cluster.cluster"],
      ["an escaped interpolation (not a reference)", "$${aws_ecs_cluster.cluster.arn}"],
    ] as const
  ).map(([where, text]) =>
    scenario(`a reference inside ${where}`, [clusterAndText("a", text), clusterAndText("b", text)]),
  ),
  scenario("durable_config added", [
    resources({ aws_lambda_function: { f: { function_name: "f" } } }),
    resources({
      aws_lambda_function: {
        f: { function_name: "f", durable_config: [{ execution_timeout: 60 }] },
      },
    }),
  ]),
  scenario("durable_config changed", [
    resources({
      aws_lambda_function: {
        f: { function_name: "f", durable_config: [{ execution_timeout: 60 }] },
      },
    }),
    resources({
      aws_lambda_function: {
        f: { function_name: "f", durable_config: [{ execution_timeout: 90 }] },
      },
    }),
  ]),
  scenario("a new resource referring to an existing one", [
    resources({ aws_sns_topic: { t: { name: "t" } } }),
    resources({
      aws_sns_topic: { t: { name: "t" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.t.arn}" } },
    }),
  ]),
  scenario("an attribute that now refers to a new resource", [
    resources({
      aws_sns_topic: { old: { name: "old" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.old.arn}" } },
    }),
    resources({
      aws_sns_topic: { new: { name: "new" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.new.arn}" } },
    }),
  ]),
  scenario("replace_triggered_by a replaced resource", [
    triggered("terraform_data.hook", { triggers_replace: { heartbeat: 900 } }),
    triggered("terraform_data.hook", { triggers_replace: { heartbeat: 1200 } }),
  ]),
  scenario("replace_triggered_by an updated resource", [
    triggered("terraform_data.hook", { input: "a" }),
    triggered("terraform_data.hook", { input: "b" }),
  ]),
  scenario("replace_triggered_by an attribute that does not change", [
    triggered("terraform_data.hook.triggers_replace", { input: "a", triggers_replace: "x" }),
    triggered("terraform_data.hook.triggers_replace", { input: "b", triggers_replace: "x" }),
  ]),
  scenario("replace_triggered_by an attribute that changes", [
    triggered("terraform_data.hook.triggers_replace", { input: "a", triggers_replace: "x" }),
    triggered("terraform_data.hook.triggers_replace", { input: "a", triggers_replace: "y" }),
  ]),
  scenario("replace_triggered_by a resource new in the same plan", [
    resources({ aws_launch_configuration: { instances: { image_id: "ami-1" } } }),
    triggered("terraform_data.hook", { triggers_replace: { heartbeat: 1200 } }),
  ]),
  scenario("replace_triggered_by a configured attribute a replacement keeps", [
    triggered("terraform_data.hook.input", { input: "a", triggers_replace: "x" }),
    triggered("terraform_data.hook.input", { input: "a", triggers_replace: "y" }),
  ]),
  scenario("replace_triggered_by a computed attribute of a replaced resource", [
    triggered("terraform_data.hook.id", { triggers_replace: "x" }),
    triggered("terraform_data.hook.id", { triggers_replace: "y" }),
  ]),
  scenario("replace_triggered_by an unchanged resource", [
    triggered("terraform_data.hook", { input: "a" }),
    triggered("terraform_data.hook", { input: "a" }),
  ]),
  scenario("what a triggered replacement reaches in turn", [withGroup(900), withGroup(1200)]),
];
