import fc from "fast-check";
import { changeSet, type ResourceChange } from "../../change-set/change-set";
import { rolloutOrder, type StageConfig, type StageName } from "../../config/stages";
import {
  AMI_UPDATE_FROM_TEMPLATE,
  SWITCH_TO_CONFIGURATION,
  SWITCH_TO_TEMPLATE,
  type ExpectedPlan,
} from "../../ops/change-guard/launch-expectations";
import { AMI_UPDATE, verdictOf } from "../../ops/change-guard/verdict";
import { baseStages, synthStages } from "../../simulation/fixtures";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

const STAGES: readonly StageName[] = rolloutOrder(baseStages());
const TEMPLATE = { launch: "template" } as const;

/** Both stages' change sets from `from` to `to`, each a change of one stage's settings. */
function changes(
  stage: StageName,
  from: Partial<StageConfig>,
  to: Partial<StageConfig>,
): Record<StageName, ResourceChange[]> {
  const side = (settings: Partial<StageConfig>) => {
    const stages = baseStages();
    stages[stage] = { ...stages[stage], ...settings };
    return synthStages(stages);
  };
  const [before, after] = [side(from), side(to)];
  return {
    staging: changeSet(before.staging, after.staging),
    production: changeSet(before.production, after.production),
  };
}

const actions = (list: readonly ResourceChange[]) =>
  Object.fromEntries(list.map((c) => [c.address, c.action]));
const actionsOf = (plan: ExpectedPlan) =>
  Object.fromEntries([...plan].map(([address, { action }]) => [address, action]));

/** Every entry has the action and only the reasons `plan` allows, and `plan` has no other. */
function expectPlan(list: readonly ResourceChange[], plan: ExpectedPlan): void {
  expect(actions(list)).toEqual(actionsOf(plan));
  for (const change of list) {
    const { reason } = plan.get(change.address) as { reason: RegExp };
    expect([change.address, change.reasons.filter((r) => !reason.test(r))]).toEqual([
      change.address,
      [],
    ]);
  }
}

const other = (stage: StageName): StageName => (stage === "staging" ? "production" : "staging");
const report = (configChanges: string[], list: ResourceChange[]) => ({
  configChanges,
  changes: list,
});

describe("a launch template stage's change set", () => {
  it.each(STAGES)(
    "for a new AMI in %s updates the template, replaces the generation and the group, updates the alarm",
    (stage) => {
      const result = changes(stage, TEMPLATE, { ...TEMPLATE, amiId: NEW_AMI });
      expectPlan(result[stage], AMI_UPDATE_FROM_TEMPLATE);
      expect(result[other(stage)]).toEqual([]);
    },
  );

  it("is the same for any pair of distinct AMI ids", () => {
    const amiId = fc
      .oneof(fc.stringMatching(/^[0-9a-f]{8}$/), fc.stringMatching(/^[0-9a-f]{17}$/))
      .map((hex) => `ami-${hex}`);
    fc.assert(
      fc.property(
        amiId.filter((id) => id !== COMMITTED_AMI),
        (id) =>
          expectPlan(
            changes("staging", TEMPLATE, { ...TEMPLATE, amiId: id }).staging,
            AMI_UPDATE_FROM_TEMPLATE,
          ),
      ),
      { numRuns: 4 },
    );
  });

  it("passes changes --expect ami, judged by the stage's launch kind", () => {
    const result = changes("staging", TEMPLATE, { ...TEMPLATE, amiId: NEW_AMI });
    const stages = { staging: report(["amiId"], result.staging), production: report([], []) };
    const kinds = {
      staging: { before: "template", after: "template" },
      production: { before: "configuration", after: "configuration" },
    } as const;
    expect(verdictOf(stages, "ami", kinds)).toMatchObject({ pass: true, problems: [] });
    // Judged as a launch configuration stage, the same plan is wrong.
    expect(verdictOf(stages, "ami").pass).toBe(false);
  });

  it("fails changes --expect ami when the group would only be updated in place", () => {
    const result = changes("staging", TEMPLATE, { ...TEMPLATE, amiId: NEW_AMI });
    const inPlace = result.staging
      .filter((c) => c.address !== "terraform_data.launch_generation")
      .map((c) =>
        c.address === "aws_autoscaling_group.instances"
          ? { ...c, action: "update" as const, reasons: [c.reasons[0]] }
          : c,
      );
    const stages = { staging: report(["amiId"], inPlace), production: report([], []) };
    const kinds = { staging: { before: "template", after: "template" } } as const;
    expect(verdictOf(stages, "ami", kinds).problems).toEqual([
      "staging: unexpected update of aws_autoscaling_group.instances (expected replace)",
      "staging: expected replace of terraform_data.launch_generation, which is not touched",
    ]);
  });

  it("for a post-2022 instance type rolls the cluster like a new AMI", () => {
    const result = changes("production", TEMPLATE, { ...TEMPLATE, instanceType: "m8g.large" });
    expect(actions(result.production)).toEqual(actionsOf(AMI_UPDATE_FROM_TEMPLATE));
    expect(
      result.production.find((c) => c.address === "aws_launch_template.instances")?.reasons,
    ).toEqual(["instance_type changed"]);
  });

  it("for a new hook heartbeat replaces the group through the hook trigger, not the template", () => {
    const result = changes("staging", TEMPLATE, {
      ...TEMPLATE,
      drain: { heartbeatTimeoutSeconds: 1500 },
    });
    expect(actions(result.staging)).toEqual({
      "terraform_data.drain_hook": "replace",
      "aws_autoscaling_group.instances": "replace",
      "aws_cloudwatch_metric_alarm.low_instance_alarm": "update",
    });
  });

  it("for a new stage tag updates the template and the group in place and rolls nothing", () => {
    const result = changes("staging", TEMPLATE, { ...TEMPLATE, tags: { CostCenter: "digital" } });
    const byAddress = Object.fromEntries(result.staging.map((c) => [c.address, c]));
    expect(byAddress["aws_launch_template.instances"]?.action).toBe("update");
    expect(byAddress["aws_autoscaling_group.instances"]).toEqual({
      address: "aws_autoscaling_group.instances",
      action: "update",
      reasons: [
        "launch_template refers to changed aws_launch_template.instances.latest_version",
        "tag changed",
      ],
    });
    expect(byAddress).not.toHaveProperty(["terraform_data.launch_generation"]);
    expect(result.production).toEqual([]);
  });

  it("for more capacity updates the group in place and rolls nothing", () => {
    const result = changes("production", TEMPLATE, { ...TEMPLATE, desiredCapacity: 3 });
    expect(actions(result.production)).toEqual({ "aws_autoscaling_group.instances": "update" });
  });
});

describe("switching a stage's launch kind", () => {
  it.each(STAGES)(
    "from configuration to template in %s is one rollout: template and generation created, group replaced, alarm updated, launch configuration deleted",
    (stage) => {
      const result = changes(stage, {}, TEMPLATE);
      expectPlan(result[stage], SWITCH_TO_TEMPLATE);
      expect(result[other(stage)]).toEqual([]);
    },
  );

  it.each(STAGES)(
    "from template back to configuration in %s is the same rollout reversed",
    (stage) => {
      const result = changes(stage, TEMPLATE, { launch: "configuration" });
      expectPlan(result[stage], SWITCH_TO_CONFIGURATION);
      expect(result[other(stage)]).toEqual([]);
    },
  );

  it("leaves the ECS cluster, the drain machinery and the hooks alone", () => {
    const touched = changes("production", {}, TEMPLATE).production.map((c) => c.address);
    expect(touched.filter((a) => /ecs_cluster|lambda|sns|iam|drain_hook|sqs|log/.test(a))).toEqual(
      [],
    );
  });

  it("passes changes --expect launch, and fails --expect ami", () => {
    const result = changes("staging", {}, TEMPLATE);
    const stages = { staging: report(["launch"], result.staging), production: report([], []) };
    const kinds = {
      staging: { before: "configuration", after: "template" },
      production: { before: "configuration", after: "configuration" },
    } as const;
    expect(verdictOf(stages, "launch", kinds)).toMatchObject({ pass: true, problems: [] });
    expect(verdictOf(stages, "ami", kinds).pass).toBe(false);
  });

  it("fails changes --expect launch when the AMI changes in the same commit", () => {
    const result = changes("staging", {}, { ...TEMPLATE, amiId: NEW_AMI });
    const stages = {
      staging: report(["amiId", "launch"], result.staging),
      production: report([], []),
    };
    const kinds = { staging: { before: "configuration", after: "template" } } as const;
    expect(verdictOf(stages, "launch", kinds).problems).toEqual([
      "staging: stage setting amiId changed (only launch may)",
    ]);
  });

  it("fails changes --expect launch when no stage switched", () => {
    const stages = { staging: report(["amiId"], []), production: report([], []) };
    expect(verdictOf(stages, "launch").problems[0]).toBe("no stage's launch changed");
  });

  it("keeps the launch configuration AMI plan for stages that do not set launch", () => {
    const result = changes("staging", {}, { amiId: NEW_AMI });
    expectPlan(result.staging, AMI_UPDATE);
  });
});

describe("a stage's launch kind", () => {
  it.each(STAGES)(
    "changes nothing in %s but what instances launch from: the drain function, hooks, queues, policies and alarms are the same in both",
    (stage) => {
      const configuration = synthStages(baseStages())[stage];
      const stages = baseStages();
      stages[stage] = { ...stages[stage], ...TEMPLATE };
      const template = synthStages(stages)[stage];
      const launchOnly = new Set([
        "aws_launch_configuration.instances",
        "aws_launch_template.instances",
        "terraform_data.launch_generation",
        "aws_autoscaling_group.instances",
      ]);
      const others = (doc: typeof template) =>
        Object.fromEntries(
          Object.entries(doc.resource ?? {}).flatMap(([type, byName]) =>
            Object.entries(byName)
              .filter(([name]) => !launchOnly.has(`${type}.${name}`))
              .map(([name, config]) => [`${type}.${name}`, config]),
          ),
        );
      expect(others(template)).toEqual(others(configuration));
      expect(Object.keys(others(template)).length).toBeGreaterThan(15);
      expect(template.data).toEqual(configuration.data);
      // The group differs only in how it is named, launched and replaced.
      const group = (doc: typeof template) => {
        const asg = { ...(doc.resource?.aws_autoscaling_group?.instances ?? {}) };
        for (const key of ["name_prefix", "launch_configuration", "launch_template", "lifecycle"])
          delete asg[key];
        return asg;
      };
      expect(group(template)).toEqual(group(configuration));
    },
  );
});

describe("changes --expect instance", () => {
  const kinds = (staging: "configuration" | "template") =>
    ({
      staging: { before: staging, after: staging },
      production: { before: "configuration", after: "configuration" },
    }) as const;

  it("passes a move to Graviton in a template stage: a new instance type and an arm64 AMI together", () => {
    const result = changes("staging", TEMPLATE, {
      ...TEMPLATE,
      instanceType: "m8g.large",
      amiId: NEW_AMI,
    });
    const stages = {
      staging: report(["amiId", "instanceType"], result.staging),
      production: report([], []),
    };
    expect(verdictOf(stages, "instance", kinds("template"))).toMatchObject({
      pass: true,
      problems: [],
    });
    // --expect ami refuses it: the instance type changed too.
    expect(verdictOf(stages, "ami", kinds("template")).pass).toBe(false);
  });

  it("passes a new instance type in a launch configuration stage", () => {
    const result = changes("staging", {}, { instanceType: "c6i.xlarge" });
    const stages = {
      staging: report(["instanceType"], result.staging),
      production: report([], []),
    };
    expect(verdictOf(stages, "instance", kinds("configuration"))).toMatchObject({ pass: true });
  });

  it("fails when another setting changes with the instance type", () => {
    const result = changes("staging", TEMPLATE, {
      ...TEMPLATE,
      instanceType: "m8g.large",
      maxSize: 3,
    });
    const stages = {
      staging: report(["instanceType", "maxSize"], result.staging),
      production: report([], []),
    };
    expect(verdictOf(stages, "instance", kinds("template")).problems).toEqual([
      "staging: stage setting maxSize changed (only instanceType, amiId may)",
      "staging: unexpected reason for the replace of aws_autoscaling_group.instances: max_size changed",
    ]);
  });
});
