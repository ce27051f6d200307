import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  changeSet,
  formatChangeSet,
  readSynthesizedStack,
  type BlockConfig,
  type JsonValue,
  type SynthesizedDocument,
} from "../../change-set/change-set";
import { expressionCode, referencesIn } from "../../change-set/references";
import { replacementVerdict } from "../../change-set/replacement-rules";

/** The parts of the apps cluster that an AMI update touches, shaped like cdktf output. */
function clusterDocument(amiId: string): SynthesizedDocument {
  return {
    terraform: { required_providers: { aws: { source: "aws", version: "6.0.0" } } },
    provider: { aws: [{ region: "us-east-1" }] },
    resource: {
      aws_launch_configuration: {
        instances: {
          "//": { metadata: { path: "staging/cluster/instances", uniqueId: "instances" } },
          name_prefix: "apps-staging-",
          image_id: amiId,
          instance_type: "t3.large",
          iam_instance_profile: "${aws_iam_instance_profile.instance.name}",
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
      aws_iam_instance_profile: { instance: { name: "apps-staging-instance" } },
      aws_iam_role_policy: {
        drain: {
          role: "${aws_iam_role.hook.name}",
          policy: "${data.aws_iam_policy_document.drain.json}",
        },
      },
    },
    data: {
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
  };
}

/** A document with only resources, for the small cases. */
function resources(blocks: NonNullable<SynthesizedDocument["resource"]>): SynthesizedDocument {
  return { resource: blocks };
}

describe("changeSet", () => {
  it("reports nothing for identical documents", () => {
    expect(changeSet(clusterDocument("ami-1"), clusterDocument("ami-1"))).toEqual([]);
  });

  it("replaces exactly the launch configuration and the ASG and updates the alarm when the AMI changes", () => {
    expect(changeSet(clusterDocument("ami-1"), clusterDocument("ami-2"))).toEqual([
      {
        address: "aws_autoscaling_group.instances",
        action: "replace",
        reasons: [
          "launch_configuration refers to replaced aws_launch_configuration.instances",
          "name refers to replaced aws_launch_configuration.instances",
        ],
      },
      {
        address: "aws_cloudwatch_metric_alarm.low_instance_alarm",
        action: "update",
        reasons: ["dimensions refers to replaced aws_autoscaling_group.instances"],
      },
      {
        address: "aws_launch_configuration.instances",
        action: "replace",
        reasons: ["image_id changed"],
      },
    ]);
  });

  it("ignores outputs and locals, which change no real object", () => {
    const before = clusterDocument("ami-1");
    const after = {
      ...before,
      output: { asg: { value: "${aws_autoscaling_group.instances.name}" } },
      locals: { x: 1 },
    };
    expect(changeSet(before, after)).toEqual([]);
  });

  it("creates a resource that is only in after and deletes one that is only in before", () => {
    const before = resources({ aws_sns_topic: { old: { name: "old" } } });
    const after = resources({ aws_sns_topic: { new: { name: "new" } } });
    expect(changeSet(before, after)).toEqual([
      { address: "aws_sns_topic.new", action: "create", reasons: ["created"] },
      { address: "aws_sns_topic.old", action: "delete", reasons: ["deleted"] },
    ]);
  });

  it("reads a data source that is only in after and does not report one only in before", () => {
    const before: SynthesizedDocument = { data: { aws_caller_identity: { old: {} } } };
    const after: SynthesizedDocument = { data: { aws_region: { current: {} } } };
    expect(changeSet(before, after)).toEqual([
      { address: "data.aws_region.current", action: "read", reasons: ["added"] },
    ]);
  });

  test.each([
    ["aws_ecs_cluster", { name: "apps" }, { name: "apps-2" }, "replace", "name changed"],
    [
      "aws_ecs_cluster",
      { name: "a", setting: [] },
      { name: "a", setting: [{ name: "containerInsights", value: "enabled" }] },
      "update",
      "setting changed",
    ],
    ["aws_autoscaling_group", { max_size: 2 }, { max_size: 3 }, "update", "max_size changed"],
    [
      "aws_autoscaling_group",
      { initial_lifecycle_hook: [{ name: "a" }] },
      { initial_lifecycle_hook: [{ name: "b" }] },
      "replace",
      "initial_lifecycle_hook changed",
    ],
    [
      "aws_cloudwatch_metric_alarm",
      { alarm_name: "a" },
      { alarm_name: "b" },
      "replace",
      "alarm_name changed",
    ],
    [
      "aws_cloudwatch_metric_alarm",
      { threshold: 1 },
      { threshold: 2 },
      "update",
      "threshold changed",
    ],
    [
      "aws_sns_topic",
      { region: "us-east-1" },
      { region: "us-east-2" },
      "replace",
      "region changed",
    ],
    ["aws_iam_role", { path: "/" }, { path: "/apps/" }, "replace", "path changed"],
    [
      "aws_iam_role",
      { assume_role_policy: "{}" },
      { assume_role_policy: "{ }" },
      "update",
      "assume_role_policy changed",
    ],
    [
      "aws_lambda_permission",
      { source_arn: "a" },
      { source_arn: "b" },
      "replace",
      "source_arn changed",
    ],
    [
      "aws_lambda_function",
      { memory_size: 128 },
      { memory_size: 256 },
      "update",
      "memory_size changed",
    ],
  ] as const)(
    "decides the action of %s from whether the changed attribute forces a new object (%p → %p: %s)",
    (type, before, after, action, reason) => {
      expect(
        changeSet(resources({ [type]: { x: before } }), resources({ [type]: { x: after } })),
      ).toEqual([{ address: `${type}.x`, action, reasons: [reason] }]);
    },
  );

  test.each([
    "image_id",
    "instance_type",
    "user_data",
    "key_name",
    "security_groups",
    "associate_public_ip_address",
  ])(
    "replaces the launch configuration when %s changes, as every argument forces a new one",
    (attribute) => {
      const before = resources({ aws_launch_configuration: { lc: { [attribute]: "old" } } });
      const after = resources({ aws_launch_configuration: { lc: { [attribute]: "new" } } });
      expect(changeSet(before, after)).toEqual([
        {
          address: "aws_launch_configuration.lc",
          action: "replace",
          reasons: [`${attribute} changed`],
        },
      ]);
    },
  );

  // The real provider keeps the prior state when nothing but timeouts differs.
  test.each(["aws_launch_configuration", "aws_ecs_cluster", "aws_made_up_thing"])(
    "plans nothing for %s when only timeouts change",
    (type) => {
      const before = resources({ [type]: { x: { timeouts: { delete: "10m" } } } });
      const after = resources({ [type]: { x: { timeouts: { delete: "60m" } } } });
      expect(changeSet(before, after)).toEqual([]);
    },
  );

  it("counts a timeouts change as part of an update with another change", () => {
    const before = resources({
      aws_autoscaling_group: { x: { max_size: 2, timeouts: { delete: "10m" } } },
    });
    const after = resources({
      aws_autoscaling_group: { x: { max_size: 3, timeouts: { delete: "60m" } } },
    });
    expect(changeSet(before, after)).toEqual([
      {
        address: "aws_autoscaling_group.x",
        action: "update",
        reasons: ["max_size changed", "timeouts changed"],
      },
    ]);
  });

  test.each<[string, JsonValue, JsonValue]>([
    ["//", { metadata: { path: "a" } }, { metadata: { path: "b" } }],
    ["lifecycle", { create_before_destroy: true }, { prevent_destroy: true }],
    ["depends_on", ["aws_sns_topic.a"], ["aws_sns_topic.b"]],
    ["provider", "aws", "aws.west"],
    ["count", 1, 2],
    ["for_each", { a: "a" }, { b: "b" }],
  ])("ignores a change to %s, which changes no real object", (key, before, after) => {
    const doc = (value: JsonValue) =>
      resources({ aws_launch_configuration: { lc: { image_id: "ami-1", [key]: value } } });
    expect(changeSet(doc(before), doc(after))).toEqual([]);
  });

  it("treats null and an omitted attribute alike, also inside blocks", () => {
    const before = resources({
      aws_ecs_cluster: { c: { name: "c", configuration: [{ a: 1, b: null }] } },
    });
    const after = resources({
      aws_ecs_cluster: { c: { name: "c", configuration: [{ a: 1 }], setting: null } },
    });
    expect(changeSet(before, after)).toEqual([]);
  });

  it("does not propagate a reference to an unchanged attribute of an updated resource", () => {
    const doc = (maxSize: number) =>
      resources({
        aws_autoscaling_group: { asg: { name: "apps", max_size: maxSize } },
        aws_cloudwatch_metric_alarm: {
          alarm: { dimensions: { AutoScalingGroupName: "${aws_autoscaling_group.asg.name}" } },
        },
      });
    expect(changeSet(doc(2), doc(3))).toEqual([
      { address: "aws_autoscaling_group.asg", action: "update", reasons: ["max_size changed"] },
    ]);
  });

  it("propagates a reference to a changed attribute of an updated resource", () => {
    const doc = (maxSize: number) =>
      resources({
        aws_autoscaling_group: { asg: { name: "apps", max_size: maxSize } },
        aws_cloudwatch_metric_alarm: {
          alarm: { threshold: "${aws_autoscaling_group.asg.max_size}" },
        },
      });
    expect(changeSet(doc(2), doc(3))).toEqual([
      { address: "aws_autoscaling_group.asg", action: "update", reasons: ["max_size changed"] },
      {
        address: "aws_cloudwatch_metric_alarm.alarm",
        action: "update",
        reasons: ["threshold refers to changed aws_autoscaling_group.asg.max_size"],
      },
    ]);
  });

  it("propagates a reference to the whole object of an updated resource", () => {
    const doc = (maxSize: number) =>
      resources({
        aws_autoscaling_group: { asg: { max_size: maxSize } },
        aws_cloudwatch_metric_alarm: {
          alarm: { alarm_description: "${jsonencode(aws_autoscaling_group.asg)}" },
        },
      });
    expect(changeSet(doc(2), doc(3))[1]).toEqual({
      address: "aws_cloudwatch_metric_alarm.alarm",
      action: "update",
      reasons: ["alarm_description refers to changed aws_autoscaling_group.asg"],
    });
  });

  it("re-reads a data source that refers to a replaced resource and updates the role policy using its JSON", () => {
    const doc = (clusterName: string) => ({
      resource: {
        aws_ecs_cluster: { cluster: { name: clusterName } },
        aws_iam_role_policy: {
          drain: { role: "drain", policy: "${data.aws_iam_policy_document.drain.json}" },
        },
      },
      data: {
        aws_iam_policy_document: {
          drain: { statement: [{ resources: ["${aws_ecs_cluster.cluster.arn}"] }] },
        },
      },
    });
    expect(changeSet(doc("apps"), doc("apps-2"))).toEqual([
      { address: "aws_ecs_cluster.cluster", action: "replace", reasons: ["name changed"] },
      {
        address: "aws_iam_role_policy.drain",
        action: "update",
        reasons: ["policy refers to re-read data.aws_iam_policy_document.drain"],
      },
      {
        address: "data.aws_iam_policy_document.drain",
        action: "read",
        reasons: ["statement refers to replaced aws_ecs_cluster.cluster"],
      },
    ]);
  });

  it("re-reads a data source whose own configuration changed", () => {
    const doc = (action: string) => ({
      data: { aws_iam_policy_document: { drain: { statement: [{ actions: [action] }] } } },
    });
    expect(changeSet(doc("ecs:ListTasks"), doc("ecs:DescribeTasks"))).toEqual([
      {
        address: "data.aws_iam_policy_document.drain",
        action: "read",
        reasons: ["statement changed"],
      },
    ]);
  });

  test.each<[string, BlockConfig]>([
    [
      "a nested block",
      { statement: [{ condition: [{ values: ["${aws_ecs_cluster.cluster.arn}"] }] }] },
    ],
    ["a list", { resources: ["arn:aws:ecs:*:*:task/*", "${aws_ecs_cluster.cluster.arn}"] }],
    ["a map", { tags: { Cluster: "${aws_ecs_cluster.cluster.name}" } }],
    [
      "a longer string",
      { policy: "arn:aws:ecs:us-east-1:1:container-instance/${aws_ecs_cluster.cluster.name}/*" },
    ],
    ["a function call", { policy: "${lower(aws_ecs_cluster.cluster.name)}" }],
    [
      "jsonencode",
      { policy: '${jsonencode({"Resource" = ["${aws_ecs_cluster.cluster.arn}/*"]})}' },
    ],
    ["an indexed reference", { policy: "${aws_ecs_cluster.cluster[0].arn}" }],
  ])("follows a reference inside %s", (_where, config) => {
    const attribute = Object.keys(config)[0];
    const doc = (clusterName: string) =>
      resources({
        aws_ecs_cluster: { cluster: { name: clusterName } },
        aws_iam_role_policy: { p: config },
      });
    expect(changeSet(doc("a"), doc("b"))[1]).toEqual({
      address: "aws_iam_role_policy.p",
      action: "update",
      reasons: [`${attribute} refers to replaced aws_ecs_cluster.cluster`],
    });
  });

  test.each([
    ["plain text", "managed next to aws_ecs_cluster.cluster"],
    ["an escaped interpolation", "$${aws_ecs_cluster.cluster.arn}"],
    ["a block that does not exist", "${aws_ecs_cluster.other.arn}"],
    ["a quoted literal", '${replace(var.x, "aws_ecs_cluster.cluster", "")}'],
  ])("does not follow %s", (_what, policy) => {
    const doc = (clusterName: string) =>
      resources({
        aws_ecs_cluster: { cluster: { name: clusterName } },
        aws_iam_role_policy: { p: { policy } },
      });
    expect(changeSet(doc("a"), doc("b")).map((change) => change.address)).toEqual([
      "aws_ecs_cluster.cluster",
    ]);
  });

  it("replaces a resource of a type without rules and says that the replacement is assumed", () => {
    const before = resources({ aws_security_group: { sg: { description: "a" } } });
    const after = resources({ aws_security_group: { sg: { description: "b" } } });
    expect(changeSet(before, after)).toEqual([
      {
        address: "aws_security_group.sg",
        action: "replace",
        reasons: [
          "description changed",
          "replacement assumed: no force-new rules for aws_security_group",
        ],
      },
    ]);
  });

  it("replaces a Lambda function when durable_config is added but updates it when the block changes", () => {
    const fn = (durable?: BlockConfig) =>
      resources({
        aws_lambda_function: {
          f: durable ? { function_name: "f", durable_config: [durable] } : { function_name: "f" },
        },
      });
    expect(changeSet(fn(), fn({ execution_timeout: 60 }))[0].action).toBe("replace");
    expect(changeSet(fn({ execution_timeout: 60 }), fn({ execution_timeout: 90 }))[0].action).toBe(
      "update",
    );
  });

  it("reaches a fixpoint through a reference cycle", () => {
    const doc = (value: string) =>
      resources({
        aws_thing_a: { x: { v: value, peer: "${aws_thing_b.x.id}" } },
        aws_thing_b: { x: { peer: "${aws_thing_a.x.id}" } },
      });
    expect(changeSet(doc("1"), doc("2")).map(({ address, action }) => [address, action])).toEqual([
      ["aws_thing_a.x", "replace"],
      ["aws_thing_b.x", "replace"],
    ]);
  });

  it("creates a resource that refers to an existing one without touching the existing one", () => {
    const before = resources({ aws_sns_topic: { t: { name: "t" } } });
    const after = resources({
      aws_sns_topic: { t: { name: "t" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.t.arn}" } },
    });
    expect(changeSet(before, after)).toEqual([
      { address: "aws_sns_topic_subscription.s", action: "create", reasons: ["created"] },
    ]);
  });

  it("explains an attribute that now refers to a new resource", () => {
    const before = resources({
      aws_sns_topic: { old: { name: "old" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.old.arn}" } },
    });
    const after = resources({
      aws_sns_topic: { new: { name: "new" } },
      aws_sns_topic_subscription: { s: { topic_arn: "${aws_sns_topic.new.arn}" } },
    });
    expect(changeSet(before, after)).toContainEqual({
      address: "aws_sns_topic_subscription.s",
      action: "replace",
      reasons: ["topic_arn changed", "topic_arn refers to new aws_sns_topic.new"],
    });
  });

  it("sorts the result by address whatever the order of blocks in the documents", () => {
    const doc = (suffix: string) =>
      resources({
        aws_sns_topic: { zeta: { name: `z${suffix}` }, alpha: { name: `a${suffix}` } },
        aws_ecs_cluster: { main: { name: `m${suffix}` } },
      });
    expect(changeSet(doc("1"), doc("2")).map((change) => change.address)).toEqual([
      "aws_ecs_cluster.main",
      "aws_sns_topic.alpha",
      "aws_sns_topic.zeta",
    ]);
  });
});

describe("changeSet with lifecycle.replace_triggered_by", () => {
  /** A launch configuration replaced whenever terraform_data.hook (or one attribute) changes. */
  function triggered(trigger: string, hook: BlockConfig): SynthesizedDocument {
    return resources({
      terraform_data: { hook },
      aws_launch_configuration: {
        instances: {
          image_id: "ami-1",
          lifecycle: { create_before_destroy: true, replace_triggered_by: [trigger] },
        },
      },
    });
  }
  const actionsOf = (before: SynthesizedDocument, after: SynthesizedDocument) =>
    Object.fromEntries(changeSet(before, after).map((c) => [c.address, c.action]));

  it("replaces the resource when the named resource is replaced, and says why", () => {
    const before = triggered("terraform_data.hook", { triggers_replace: { heartbeat: 900 } });
    const after = triggered("terraform_data.hook", { triggers_replace: { heartbeat: 1200 } });
    expect(changeSet(before, after)).toEqual([
      {
        address: "aws_launch_configuration.instances",
        action: "replace",
        reasons: ["replace_triggered_by terraform_data.hook (replaced)"],
      },
      {
        address: "terraform_data.hook",
        action: "replace",
        reasons: ["triggers_replace changed"],
      },
    ]);
  });

  it("replaces the resource when the named resource is only updated", () => {
    const before = triggered("terraform_data.hook", { input: "a" });
    const after = triggered("terraform_data.hook", { input: "b" });
    expect(actionsOf(before, after)).toEqual({
      "aws_launch_configuration.instances": "replace",
      "terraform_data.hook": "update",
    });
  });

  it("fires for a named attribute only when that attribute changes", () => {
    const trigger = "terraform_data.hook.triggers_replace";
    const updated = actionsOf(
      triggered(trigger, { input: "a", triggers_replace: "x" }),
      triggered(trigger, { input: "b", triggers_replace: "x" }),
    );
    expect(updated).toEqual({ "terraform_data.hook": "update" });
    const replaced = actionsOf(
      triggered(trigger, { input: "a", triggers_replace: "x" }),
      triggered(trigger, { input: "a", triggers_replace: "y" }),
    );
    expect(replaced["aws_launch_configuration.instances"]).toBe("replace");
  });

  it("does nothing when the named resource is new in the same plan, as Terraform does", () => {
    const before = resources({
      aws_launch_configuration: { instances: { image_id: "ami-1" } },
    });
    const after = triggered("terraform_data.hook", { triggers_replace: { heartbeat: 1200 } });
    expect(actionsOf(before, after)).toEqual({ "terraform_data.hook": "create" });
  });

  it("does not fire for a configured attribute that a replacement keeps", () => {
    const trigger = "terraform_data.hook.input";
    const changes = actionsOf(
      triggered(trigger, { input: "a", triggers_replace: "x" }),
      triggered(trigger, { input: "a", triggers_replace: "y" }),
    );
    expect(changes).toEqual({ "terraform_data.hook": "replace" });
  });

  it("fires for a computed attribute of a replaced resource", () => {
    const trigger = "terraform_data.hook.id";
    const changes = actionsOf(
      triggered(trigger, { triggers_replace: "x" }),
      triggered(trigger, { triggers_replace: "y" }),
    );
    expect(changes["aws_launch_configuration.instances"]).toBe("replace");
  });

  it("does nothing while the named resource is unchanged", () => {
    const doc = triggered("terraform_data.hook", { input: "a" });
    expect(changeSet(doc, structuredClone(doc))).toEqual([]);
  });

  it("replaces what the triggered resource's replacement reaches in turn", () => {
    const withGroup = (heartbeat: number): SynthesizedDocument => {
      const doc = triggered("terraform_data.hook", { triggers_replace: { heartbeat } });
      return {
        resource: {
          ...doc.resource,
          aws_autoscaling_group: {
            instances: { name: "${aws_launch_configuration.instances.name}", max_size: 2 },
          },
        },
      };
    };
    expect(actionsOf(withGroup(900), withGroup(1200))).toEqual({
      "aws_autoscaling_group.instances": "replace",
      "aws_launch_configuration.instances": "replace",
      "terraform_data.hook": "replace",
    });
  });
});

describe("referencesIn", () => {
  test.each([
    [
      "a whole interpolation",
      "${aws_launch_configuration.instances.name}",
      [{ address: "aws_launch_configuration.instances", attribute: "name" }],
    ],
    [
      "a data source",
      "${data.aws_iam_policy_document.drain.json}",
      [{ address: "data.aws_iam_policy_document.drain", attribute: "json" }],
    ],
    [
      "a longer string",
      "arn:aws:ecs:*:*:cluster/${aws_ecs_cluster.cluster.name}/*",
      [{ address: "aws_ecs_cluster.cluster", attribute: "name" }],
    ],
    [
      "a function call",
      "${lower(aws_ecs_cluster.cluster.name)}",
      [{ address: "aws_ecs_cluster.cluster", attribute: "name" }],
    ],
    ["an index", "${aws_instance.web[0].id}", [{ address: "aws_instance.web", attribute: "id" }]],
    ["a splat", "${aws_instance.web[*].id}", [{ address: "aws_instance.web", attribute: "id" }]],
    ["the whole object", "${jsonencode(aws_sns_topic.t)}", [{ address: "aws_sns_topic.t" }]],
    [
      "a name with a dash",
      "${aws_sns_topic.my-topic.arn}",
      [{ address: "aws_sns_topic.my-topic", attribute: "arn" }],
    ],
  ])("finds a reference in %s", (_where, text, expected) => {
    expect(referencesIn(text)).toEqual(expected);
  });

  it("finds references in nested lists, maps and map keys, sorted and without duplicates", () => {
    const value = {
      statement: [
        { resources: ["${aws_b.y.arn}", "${aws_a.x.arn}"] },
        { resources: ["${aws_b.y.arn}"] },
      ],
      "${aws_c.z.name}": "key",
    };
    expect(referencesIn(value)).toEqual([
      { address: "aws_a.x", attribute: "arn" },
      { address: "aws_b.y", attribute: "arn" },
      { address: "aws_c.z", attribute: "name" },
    ]);
  });

  test.each([
    ["plain text", "see aws_ecs_cluster.cluster.name"],
    ["an escaped interpolation", "$${aws_ecs_cluster.cluster.name}"],
    ["a quoted literal in an expression", '${replace(x, "aws_ecs_cluster.cluster", "")}'],
    ["a number", 42],
  ])("finds nothing in %s", (_what, value) => {
    expect(referencesIn(value)).toEqual([]);
  });

  it("does not take the tail of a longer traversal for a reference", () => {
    expect(referencesIn("${module.apps.aws_x.y}").map((reference) => reference.address)).toEqual([
      "module.apps",
    ]);
  });
});

describe("expressionCode", () => {
  it("keeps the code of interpolations and directives and drops template text", () => {
    expect(
      expressionCode("a-${x.y}-b-%{ if c.d }e%{ endif }").split(/\s+/).filter(Boolean),
    ).toEqual(["x.y", "if", "c.d", "endif"]);
  });

  it("finds an interpolation nested in a quoted string inside an expression", () => {
    expect(expressionCode('${jsonencode({"k" = "pre-${a.b.c}-post"})}')).toContain("a.b.c");
    expect(expressionCode('${jsonencode({"k" = "pre-${a.b.c}-post"})}')).not.toContain("pre");
  });

  it("skips an escaped quote inside a quoted string", () => {
    expect(expressionCode('${f("say \\"x.y\\"", z.w)}')).not.toContain("x.y");
    expect(expressionCode('${f("say \\"x.y\\"", z.w)}')).toContain("z.w");
  });
});

describe("replacementVerdict", () => {
  // The attributes the provider source declares ForceNew (see change-set/replacement-rules.ts).
  test.each([
    ["aws_launch_configuration", "image_id"],
    ["aws_launch_configuration", "name_prefix"],
    ["aws_autoscaling_group", "name"],
    ["aws_autoscaling_group", "name_prefix"],
    ["aws_autoscaling_group", "initial_lifecycle_hook"],
    ["aws_cloudwatch_metric_alarm", "alarm_name"],
    ["aws_ecs_cluster", "name"],
    ["aws_sns_topic", "name"],
    ["aws_sns_topic", "name_prefix"],
    ["aws_sns_topic", "fifo_topic"],
    ["aws_sns_topic_subscription", "topic_arn"],
    ["aws_sns_topic_subscription", "protocol"],
    ["aws_sns_topic_subscription", "endpoint"],
    ["aws_iam_role", "name"],
    ["aws_iam_role", "name_prefix"],
    ["aws_iam_role", "path"],
    ["aws_iam_role_policy", "name"],
    ["aws_iam_role_policy", "name_prefix"],
    ["aws_iam_role_policy", "role"],
    ["aws_iam_instance_profile", "path"],
    ["aws_iam_role_policy_attachment", "policy_arn"],
    ["aws_lambda_function", "function_name"],
    ["aws_lambda_function", "package_type"],
    ["aws_lambda_permission", "function_name"],
    ["aws_lambda_permission", "statement_id"],
    ["aws_lambda_permission", "source_arn"],
    ["aws_cloudwatch_log_group", "name"],
    ["aws_cloudwatch_log_group", "name_prefix"],
    ["aws_ecs_cluster", "region"],
  ])("says a change to %s.%s forces replacement", (type, attribute) => {
    expect(replacementVerdict(type, attribute, "a", "b")).toBe("forces-replacement");
  });

  test.each([
    ["aws_autoscaling_group", "max_size"],
    ["aws_autoscaling_group", "enabled_metrics"],
    ["aws_cloudwatch_metric_alarm", "dimensions"],
    ["aws_iam_role_policy", "policy"],
    ["aws_iam_role", "assume_role_policy"],
    ["aws_iam_instance_profile", "role"],
    ["aws_lambda_function", "runtime"],
    ["aws_cloudwatch_log_group", "retention_in_days"],
    ["aws_sns_topic_subscription", "raw_message_delivery"],
  ])("says a change to %s.%s is made in place", (type, attribute) => {
    expect(replacementVerdict(type, attribute, "a", "b")).toBe("in-place");
  });

  it("never replaces for timeouts, even where every argument forces replacement", () => {
    expect(replacementVerdict("aws_launch_configuration", "timeouts", {}, { create: "1m" })).toBe(
      "in-place",
    );
    expect(replacementVerdict("aws_unknown", "timeouts", {}, { create: "1m" })).toBe("in-place");
  });

  test.each(["aws_security_group", "constructor", "toString"])(
    "assumes replacement for %s, which has no rules",
    (type) => {
      expect(replacementVerdict(type, "name", "a", "b")).toBe("replacement-assumed");
    },
  );

  test.each([
    [undefined, [{ execution_timeout: 1 }], "forces-replacement"],
    [[{ execution_timeout: 1 }], null, "forces-replacement"],
    [[], [{ execution_timeout: 1 }], "forces-replacement"],
    [[{ execution_timeout: 1 }], [{ execution_timeout: 2 }], "in-place"],
  ] as const)("treats durable_config %p → %p as %s", (before, after, verdict) => {
    expect(replacementVerdict("aws_lambda_function", "durable_config", before, after)).toBe(
      verdict,
    );
  });
});

describe("formatChangeSet", () => {
  it("says there are no changes for an empty change set", () => {
    expect(formatChangeSet([])).toBe("no changes");
  });

  it("prints one line per block with the plan symbol, the action and the reasons", () => {
    expect(
      formatChangeSet([
        { address: "aws_autoscaling_group.instances", action: "replace", reasons: ["a", "b"] },
        {
          address: "aws_cloudwatch_metric_alarm.low_instance_alarm",
          action: "update",
          reasons: ["dimensions refers to replaced aws_autoscaling_group.instances"],
        },
        { address: "aws_sns_topic.new", action: "create", reasons: ["created"] },
        { address: "aws_sns_topic.old", action: "delete", reasons: ["deleted"] },
        { address: "data.aws_iam_policy_document.drain", action: "read", reasons: [] },
      ]),
    ).toBe(
      [
        "-/+ aws_autoscaling_group.instances (replace: a; b)",
        "~ aws_cloudwatch_metric_alarm.low_instance_alarm (update: dimensions refers to replaced aws_autoscaling_group.instances)",
        "+ aws_sns_topic.new (create: created)",
        "- aws_sns_topic.old (delete: deleted)",
        "<= data.aws_iam_policy_document.drain (read)",
      ].join("\n"),
    );
  });
});

describe("readSynthesizedStack", () => {
  let outdir: string;

  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "change-set-"));
  });

  afterEach(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  function writeStack(stack: string, text: string): string {
    const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  it("reads <outdir>/stacks/<stack>/cdk.tf.json", () => {
    const document = { resource: { aws_sns_topic: { t: { name: "t" } } }, terraform: {} };
    writeStack("staging", JSON.stringify(document));
    expect(readSynthesizedStack(outdir, "staging")).toEqual(document);
  });

  it("names the missing file and says to synthesize first", () => {
    const file = path.join(outdir, "stacks", "production", "cdk.tf.json");
    expect(() => readSynthesizedStack(outdir, "production")).toThrow(
      new Error(`No synthesized stack at ${file} (run "cdktf synth" first)`),
    );
  });

  it("names a file that is not JSON, in one line", () => {
    const file = writeStack("staging", '{\n  "resource": {\n    oops\n}');
    expect(() => readSynthesizedStack(outdir, "staging")).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          new RegExp(`^Synthesized stack ${escape(file)} is not valid JSON: [^\\n]+$`),
        ),
      }),
    );
  });

  it("names a file it cannot read", () => {
    const file = path.join(outdir, "stacks", "staging", "cdk.tf.json");
    fs.mkdirSync(file, { recursive: true });
    expect(() => readSynthesizedStack(outdir, "staging")).toThrow(
      new Error(
        `Cannot read synthesized stack ${file}: EISDIR: illegal operation on a directory, read`,
      ),
    );
  });

  test.each([
    ["[]", "the top level is not an object"],
    ['{"resource": []}', '"resource" is not an object'],
    ['{"data": {"aws_region": 1}}', '"data.aws_region" is not an object'],
    ['{"resource": {"aws_sns_topic": {"t": "x"}}}', '"resource.aws_sns_topic.t" is not an object'],
  ])("rejects %s, naming the file and what is wrong", (text, problem) => {
    const file = writeStack("staging", text);
    expect(() => readSynthesizedStack(outdir, "staging")).toThrow(
      new Error(`Synthesized stack ${file} is not a Terraform JSON document: ${problem}`),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
