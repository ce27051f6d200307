import {
  configChanges,
  flagChanges,
  verdictOf,
  type StageReport,
} from "../../../ops/change-guard/verdict";
import type { ResourceChange } from "../../../change-set/change-set";
import { firstErrorLine } from "../../../ops/change-guard/synthesize";
import { baseStages } from "../../../simulation/fixtures";
import { COMMITTED_AMI, NEW_AMI } from "../../../simulation/amis";

// As the change set words an AMI-only change.
const AMI_UPDATE: ResourceChange[] = [
  {
    address: "aws_autoscaling_group.instances",
    action: "replace",
    reasons: [
      "launch_configuration refers to replaced aws_launch_configuration.instances",
      "name_prefix refers to replaced aws_launch_configuration.instances",
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
];
const withReason = (change: ResourceChange, reason: string): ResourceChange => ({
  ...change,
  reasons: [...change.reasons, reason],
});
const report = (configChanges: string[], changes: ResourceChange[]): StageReport => ({
  configChanges,
  changes: flagChanges(changes),
});

describe("configChanges", () => {
  it("names each changed field, nested fields by their path", () => {
    const before = baseStages().staging;
    const after = {
      ...before,
      amiId: NEW_AMI,
      drain: { pollSeconds: 20 },
      subnetIds: [...before.subnetIds, "subnet-0d4e5f60718293a4b"],
    };
    expect(configChanges(before, after)).toEqual(["amiId", "drain", "subnetIds"]);
    expect(configChanges({ ...after, drain: { pollSeconds: 30 } }, after)).toEqual([
      "drain.pollSeconds",
    ]);
  });

  it("finds nothing in equal configs and the whole stage when one side has none", () => {
    expect(configChanges(baseStages().staging, baseStages().staging)).toEqual([]);
    expect(configChanges(undefined, { ...baseStages().staging, amiId: COMMITTED_AMI })).toEqual([
      "(stage)",
    ]);
  });
});

describe("flagChanges", () => {
  it("marks a delete DELETE, and a delete with a create of its type RENAMED? on both", () => {
    const flags = flagChanges([
      { address: "aws_sqs_queue.new_name", action: "create", reasons: ["created"] },
      { address: "aws_sqs_queue.old_name", action: "delete", reasons: ["deleted"] },
      { address: "aws_sns_topic.gone", action: "delete", reasons: ["deleted"] },
      { address: "aws_iam_role.added", action: "create", reasons: ["created"] },
    ]).map((change) => [change.address, change.flag]);
    expect(flags).toEqual([
      ["aws_sqs_queue.new_name", "RENAMED?"],
      ["aws_sqs_queue.old_name", "RENAMED?"],
      ["aws_sns_topic.gone", "DELETE"],
      ["aws_iam_role.added", undefined],
    ]);
  });
});

describe("verdictOf", () => {
  it("passes an AMI change of one stage with exactly the three entries", () => {
    const stages = { staging: report(["amiId"], AMI_UPDATE), production: report([], []) };
    expect(verdictOf(stages, "ami")).toEqual({
      expect: "ami",
      pass: true,
      problems: [],
      warnings: [],
      stops: [],
      refused: false,
    });
  });

  describe("an AMI change of more than one stage at once", () => {
    const together =
      "TOGETHER amiId changed in staging and production at once: each would roll onto an AMI no stage has run; change staging's first, then the next stage's in a pull request of its own";
    const stages = {
      staging: report(["amiId"], AMI_UPDATE),
      production: report(["amiId"], AMI_UPDATE),
    };

    it("is a warning without --expect", () => {
      expect(verdictOf(stages, undefined)).toMatchObject({ warnings: [together], refused: false });
    });

    it.each(["ami", "instance", "launch"] as const)("fails --expect %s", (expectation) => {
      const verdict = verdictOf(stages, expectation);
      expect(verdict.pass).toBe(false);
      expect(verdict.problems[0]).toBe(together);
    });

    it("is told by the settings of stages it does not judge (a plan is of one stage)", () => {
      const verdict = verdictOf(
        { staging: stages.staging },
        "ami",
        {},
        {
          settingsChanged: { staging: ["amiId"], production: ["amiId", "maxSize"] },
        },
      );
      expect(verdict).toMatchObject({ pass: false, problems: [together], warnings: [together] });
    });
  });

  it("fails an AMI change whose stage misses one of the three, or touches one another way", () => {
    const stages = {
      staging: report(
        ["amiId"],
        [
          { ...AMI_UPDATE[0], action: "update" },
          AMI_UPDATE[2],
          { address: "provider.aws", action: "reconfigure", reasons: ["region changed"] },
        ],
      ),
    };
    expect(verdictOf(stages, "ami").problems).toEqual([
      "staging: unexpected update of aws_autoscaling_group.instances (expected replace)",
      "staging: unexpected reconfigure of provider.aws",
      "staging: expected update of aws_cloudwatch_metric_alarm.low_instance_alarm, which is not touched",
    ]);
  });

  it("fails an AMI change whose three entries are touched for another reason too, naming each", () => {
    const [group, alarm, configuration] = AMI_UPDATE;
    const stages = {
      staging: report(
        ["amiId"],
        [
          withReason(group, "max_size changed"),
          withReason(alarm, "threshold changed"),
          withReason(configuration, "user_data changed"),
        ],
      ),
      production: report(
        ["amiId"],
        [
          group,
          withReason(alarm, "alarm_actions refers to replaced aws_sns_topic.alerts"),
          withReason(configuration, "replace_triggered_by terraform_data.drain_hook (replaced)"),
        ],
      ),
    };
    expect(verdictOf(stages, "ami").problems).toEqual([
      expect.stringMatching(/^TOGETHER amiId changed in staging and production/),
      "staging: unexpected reason for the replace of aws_autoscaling_group.instances: max_size changed",
      "staging: unexpected reason for the update of aws_cloudwatch_metric_alarm.low_instance_alarm: threshold changed",
      "staging: unexpected reason for the replace of aws_launch_configuration.instances: user_data changed",
      "production: unexpected reason for the update of aws_cloudwatch_metric_alarm.low_instance_alarm: alarm_actions refers to replaced aws_sns_topic.alerts",
      "production: unexpected reason for the replace of aws_launch_configuration.instances: replace_triggered_by terraform_data.drain_hook (replaced)",
    ]);
  });

  it("fails an AMI change that also imports an object, in its own stage or another", () => {
    const imported = (address: string): ResourceChange => ({
      address,
      action: "import",
      reasons: ["import block added (id apps-staging)"],
      importId: "apps-staging",
    });
    const stages = {
      staging: report(["amiId"], [...AMI_UPDATE, imported("aws_ecs_cluster.cluster")]),
      production: report([], [imported("aws_sns_topic.alerts")]),
    };
    expect(verdictOf(stages, "ami").problems).toEqual([
      "staging: unexpected import of aws_ecs_cluster.cluster (id apps-staging)",
      "production: unexpected import of aws_sns_topic.alerts (id apps-staging)",
    ]);
  });

  it("fails when no amiId changed, even with nothing touched", () => {
    const verdict = verdictOf({ staging: report([], []) }, "ami");
    expect(verdict).toEqual({
      expect: "ami",
      pass: false,
      problems: ["no stage's amiId changed"],
      warnings: [],
      stops: [],
      refused: false,
    });
  });

  it("warns of deletes and renames without an expectation, and judges nothing", () => {
    const stages = {
      production: report(
        [],
        [
          { address: "aws_sns_topic.gone", action: "delete", reasons: ["deleted"] },
          { address: "aws_sqs_queue.a", action: "delete", reasons: ["deleted"] },
          { address: "aws_sqs_queue.b", action: "create", reasons: ["created"] },
        ],
      ),
    };
    expect(verdictOf(stages, undefined)).toEqual({
      expect: null,
      pass: null,
      problems: [],
      warnings: [
        "production: DELETE aws_sns_topic.gone",
        "production: RENAMED? aws_sqs_queue.a is deleted and aws_sqs_queue.b created: a changed construct id destroys the live object and creates a new one",
      ],
      stops: [],
      refused: false,
    });
  });

  it("warns when the group is replaced in the apply that changes its delete timeout, whatever --expect is", () => {
    const [group, ...rest] = AMI_UPDATE;
    const stages = {
      staging: report(
        ["amiId", "drain.drainTimeoutMinutes"],
        [withReason(withReason(group, "tag changed"), "timeouts changed"), ...rest],
      ),
    };
    const warning =
      "staging: TIMEOUT aws_autoscaling_group.instances is replaced in the same apply that changes its delete timeout: Terraform deletes the old group with the timeout the state holds, the old one; apply the timing change alone first, then the rollout";
    expect(verdictOf(stages, undefined).warnings).toEqual([warning]);
    expect(verdictOf(stages, "ami").warnings).toEqual([warning]);
    // The AMI update alone, or a new timeout on a group updated in place, is no such case.
    expect(verdictOf({ staging: report(["amiId"], AMI_UPDATE) }, undefined).warnings).toEqual([]);
    const inPlace: ResourceChange = {
      address: "aws_autoscaling_group.instances",
      action: "update",
      reasons: ["tag changed", "timeouts changed"],
    };
    expect(
      verdictOf({ staging: report(["drain.drainTimeoutMinutes"], [inPlace]) }, undefined).warnings,
    ).toEqual([]);
  });

  describe("refuses what loses running services or the state, in every mode", () => {
    const cases: [string, ResourceChange, string][] = [
      [
        "the cluster replaced",
        { address: "aws_ecs_cluster.cluster", action: "replace", reasons: ["name changed"] },
        "staging: STOP replace of aws_ecs_cluster.cluster (name changed): the ECS cluster is deleted, and with it every service and running task on it",
      ],
      [
        "the cluster deleted",
        { address: "aws_ecs_cluster.cluster", action: "delete", reasons: ["deleted"] },
        "staging: STOP delete of aws_ecs_cluster.cluster (deleted): the ECS cluster is deleted",
      ],
      [
        "the group deleted without a successor",
        { address: "aws_autoscaling_group.instances", action: "delete", reasons: ["deleted"] },
        "staging: STOP delete of aws_autoscaling_group.instances (deleted): the cluster's instances terminate",
      ],
      [
        "the state's backend changed",
        { address: "terraform.backend", action: "migrate-state", reasons: ["bucket changed"] },
        "staging: STOP migrate-state of terraform.backend (bucket changed): the stage's Terraform state is looked for elsewhere",
      ],
    ];
    it.each(cases)("%s", (_what, change, line) => {
      for (const expectation of [undefined, "ami"] as const) {
        const verdict = verdictOf({ staging: report([], [change]) }, expectation);
        expect(verdict.stops).toHaveLength(1);
        expect(verdict.stops[0].startsWith(line)).toBe(true);
        expect(verdict.refused).toBe(true);
        expect(
          verdictOf({ staging: report([], [change]) }, expectation, {}, { allowDestructive: true }),
        ).toMatchObject({ stops: verdict.stops, refused: false });
      }
    });

    it("stops a changed stateBucket without a backend entry (a real plan), not a lock table change", () => {
      const bucket = verdictOf({ staging: report(["stateBucket"], []) }, undefined);
      expect(bucket.stops).toEqual([
        "staging: STOP stateBucket changed: the stage's Terraform state is looked for elsewhere: without `terraform init -migrate-state` first, the next plan creates every resource again beside the live ones",
      ]);
      const lock: ResourceChange = {
        address: "terraform.backend",
        action: "reconfigure",
        reasons: ["dynamodb_table changed"],
      };
      expect(verdictOf({ staging: report(["stateLockTable"], [lock]) }, undefined)).toMatchObject({
        stops: [],
        refused: false,
      });
    });

    it("lets an AMI rollout's replacements and in-place cluster changes through", () => {
      const cluster: ResourceChange = {
        address: "aws_ecs_cluster.cluster",
        action: "update",
        reasons: ["setting changed"],
      };
      const verdict = verdictOf(
        { staging: report(["amiId"], [...AMI_UPDATE, cluster]) },
        undefined,
      );
      expect(verdict).toMatchObject({ stops: [], refused: false });
    });
  });
});

describe("firstErrorLine", () => {
  it.each([
    [
      "the app's own error line",
      "warning: something\nerror: stacks/stages.json: staging.amiId: must be ...\n",
      "stacks/stages.json: staging.amiId: must be ...",
    ],
    [
      "esbuild's error with its location",
      '✘ [ERROR] Expected ";" but found "oops"\n\n    main.ts:3:6:\n      3 │ const oops oops\n',
      'main.ts:3:6: Expected ";" but found "oops"',
    ],
    [
      "Node's error under a stack trace",
      "/tmp/x/build/app.js:10\n  throw new Error('boom');\n  ^\n\nError: boom\n    at Object.<anonymous>\n",
      "Error: boom",
    ],
    ["the last line of anything else", "something odd\nKilled\n", "Killed"],
  ])("picks %s", (_what, stderr, line) => {
    expect(firstErrorLine(stderr)).toBe(line);
  });
});
