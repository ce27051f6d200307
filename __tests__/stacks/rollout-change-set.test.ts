import fc from "fast-check";
import { changeSet, REPLACEMENT_RULES, ResourceChange } from "../../change-set/change-set";
import aws from "../../change-set/provider-schema/aws.json";
import { StageConfig } from "../../config/stages";
import { baseStages, synthStages } from "../../simulation/fixtures";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

type StageName = "staging" | "production";

let baseline: ReturnType<typeof synthStages> | undefined;

/** Synthesizes both stages before and after changing one stage's settings. */
function rollout(stage: StageName, change: Partial<StageConfig>) {
  const after = baseStages();
  after[stage] = { ...after[stage], ...change };
  baseline ??= synthStages(baseStages());
  const [a, b] = [baseline, synthStages(after)];
  return {
    staging: actions(changeSet(a.staging, b.staging)),
    production: actions(changeSet(a.production, b.production)),
  };
}

const actions = (changes: readonly ResourceChange[]) =>
  Object.fromEntries(changes.map((c) => [c.address, c.action]));

/** What the runbook says an AMI or instance type change must plan, and nothing else. */
const ROLLOUT = {
  "aws_launch_configuration.instances": "replace",
  "aws_autoscaling_group.instances": "replace",
  "aws_cloudwatch_metric_alarm.low_instance_alarm": "update",
};

describe("a rollout's change set", () => {
  it("knows which attributes force replacement for every resource type the stacks use", () => {
    const { staging, production } = synthStages(baseStages());
    const types = [staging, production].flatMap((doc) => Object.keys(doc.resource ?? {}));
    const unknown = [...new Set(types)].filter((type) => !Object.hasOwn(REPLACEMENT_RULES, type));
    expect(unknown).toEqual([]);
  });

  it("finds every AWS type the stacks use in the vendored provider schema", () => {
    const { staging, production } = synthStages(baseStages());
    const types = [staging, production].flatMap((doc) => [
      ...Object.keys(doc.resource ?? {}).filter((type) => type.startsWith("aws_")),
      ...Object.keys(doc.data ?? {}).map((type) => `data.${type}`),
    ]);
    const known = new Set([...aws.resources, ...aws.dataSources.map((type) => `data.${type}`)]);
    expect([...new Set(types)].filter((type) => !known.has(type))).toEqual([]);
  });

  it.each<StageName>(["staging", "production"])(
    "for a new AMI in %s replaces the LC and the ASG, updates the alarm, and touches nothing else",
    (stage) => {
      const changes = rollout(stage, { amiId: NEW_AMI });
      const other = stage === "staging" ? "production" : "staging";
      expect(changes[stage]).toEqual(ROLLOUT);
      expect(changes[other]).toEqual({});
    },
  );

  it.each<StageName>(["staging", "production"])(
    "for a new instance type in %s is the same as for a new AMI",
    (stage) => {
      const changes = rollout(stage, { instanceType: "c6i.xlarge" });
      const other = stage === "staging" ? "production" : "staging";
      expect(changes[stage]).toEqual(ROLLOUT);
      expect(changes[other]).toEqual({});
    },
  );

  it("is the same for any pair of distinct AMI ids", () => {
    const amiId = fc
      .oneof(fc.stringMatching(/^[0-9a-f]{8}$/), fc.stringMatching(/^[0-9a-f]{17}$/))
      .map((hex) => `ami-${hex}`);
    fc.assert(
      fc.property(
        amiId.filter((id) => id !== COMMITTED_AMI),
        (id) => {
          expect(rollout("staging", { amiId: id }).staging).toEqual(ROLLOUT);
        },
      ),
      { numRuns: 5 },
    );
  });

  it("explains why the ASG and the alarm are touched", () => {
    const stages = baseStages();
    const before = synthStages(stages);
    const after = synthStages({ ...stages, staging: { ...stages.staging, amiId: NEW_AMI } });
    const byAddress = Object.fromEntries(
      changeSet(before.staging, after.staging).map((c) => [c.address, c.reasons]),
    );
    expect(byAddress["aws_launch_configuration.instances"]).toContain("image_id changed");
    expect(byAddress["aws_autoscaling_group.instances"]).toContain(
      "name_prefix refers to replaced aws_launch_configuration.instances",
    );
    expect(byAddress["aws_cloudwatch_metric_alarm.low_instance_alarm"]).toContain(
      "dimensions refers to replaced aws_autoscaling_group.instances",
    );
  });

  // The ASG's delete timeout follows the bound, but a timeouts change alone plans nothing (the
  // real provider's plan): it reaches the state only with another change of the group.
  it("for a longer drain timeout updates the function and, in place, the group's delete timeout", () => {
    // Through the group's delete-timeout tag: a change of `timeouts` alone would plan nothing
    // and leave the old timeout in the state, for the next rollout to delete the group with.
    const changes = rollout("production", { drain: { drainTimeoutMinutes: 90 } });
    expect(changes.production).toEqual({
      "aws_lambda_function.instance_drain": "update",
      "aws_autoscaling_group.instances": "update",
    });
  });

  it("for a new hook heartbeat rolls the cluster too: a new ASG needs a new launch configuration", () => {
    const changes = rollout("staging", { drain: { heartbeatTimeoutSeconds: 1500 } });
    expect(changes.staging).toEqual({
      ...ROLLOUT,
      "terraform_data.drain_hook": "replace",
    });
    expect(changes.production).toEqual({});
  });

  it("for a new registration timeout rolls the cluster like a new heartbeat, and tells the function", () => {
    const changes = rollout("staging", { drain: { registrationTimeoutSeconds: 900 } });
    expect(changes.staging).toEqual({
      ...ROLLOUT,
      "terraform_data.drain_hook": "replace",
      // REGISTRATION_TIMEOUT_SECONDS, applied before the new ASG launches (it depends on it).
      "aws_lambda_function.instance_drain": "update",
    });
    expect(changes.production).toEqual({});
  });

  it.each<StageName>(["staging", "production"])(
    "for a tainted ASG in %s (a failed rollout) plans its replacement under a new name, and the alarm follows",
    (stage) => {
      baseline ??= synthStages(baseStages());
      const doc = baseline[stage];
      const changes = changeSet(doc, doc, { tainted: ["aws_autoscaling_group.instances"] });
      expect(changes).toEqual([
        {
          address: "aws_autoscaling_group.instances",
          action: "replace",
          reasons: ["tainted"],
        },
        {
          address: "aws_cloudwatch_metric_alarm.low_instance_alarm",
          action: "update",
          reasons: ["dimensions refers to replaced aws_autoscaling_group.instances"],
        },
      ]);
      // The replacement's name is generated anew (a fixed name would collide with the tainted
      // ASG, which create-before-destroy keeps until the replacement has its capacity).
      const asg = doc.resource?.aws_autoscaling_group?.instances;
      expect(asg).toHaveProperty("name_prefix", "${aws_launch_configuration.instances.name}-");
      expect(asg).not.toHaveProperty("name");
    },
  );

  it("for a new cluster name touches far more than a rollout (the guard would see it)", () => {
    const changes = rollout("staging", { clusterName: "apps-renamed" });
    expect(changes.staging["aws_ecs_cluster.cluster"]).toBe("replace");
    expect(Object.keys(changes.staging).length).toBeGreaterThan(Object.keys(ROLLOUT).length);
  });

  it("for a new region replaces every regional resource, moves the state and nothing else", () => {
    baseline ??= synthStages(baseStages());
    const changes = rollout("staging", { region: "us-west-2" });
    const regional = new Set(aws.regionalResources);
    const resources = Object.entries(baseline.staging.resource ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => ({ address: `${type}.${name}`, type })),
    );
    for (const { address, type } of resources) {
      if (regional.has(type))
        expect([address, changes.staging[address]]).toEqual([address, "replace"]);
    }
    expect(changes.staging["terraform.backend"]).toBe("migrate-state");
    expect(changes.staging["provider.aws"]).toBe("reconfigure");
    expect(changes.production).toEqual({});
  });

  it("for a new stage tag updates every resource with tags_all, the ASG and the policies, in place", () => {
    baseline ??= synthStages(baseStages());
    const changes = rollout("production", { tags: { CostCenter: "digital" } });
    const tagged = new Set(aws.tagsAll);
    const expected = Object.entries(baseline.production.resource ?? {}).flatMap(([type, byName]) =>
      tagged.has(type) ? Object.keys(byName).map((name) => [`${type}.${name}`, "update"]) : [],
    );
    expect(changes.production).toEqual({
      "provider.aws": "reconfigure",
      // The ASG has no tags_all; it propagates the stage's tags to the instances it launches.
      "aws_autoscaling_group.instances": "update",
      ...Object.fromEntries(expected),
      // Policy documents that name a tagged resource are read at apply, so their JSON is
      // unknown in the plan and the policies using it update (read_because_dependency_pending).
      "data.aws_iam_policy_document.instance_drain": "read",
      "data.aws_iam_policy_document.instance_drain_topic": "read",
      "data.aws_iam_policy_document.lifecycle_hook": "read",
      "aws_iam_role_policy.instance_drain": "update",
      "aws_iam_role_policy.lifecycle_hook": "update",
      "aws_sns_topic_policy.instance_drain": "update",
    });
    expect(expected.length).toBeGreaterThan(5);
    expect(changes.staging).toEqual({});
  });

  it("for a new state bucket changes no resource but says the state must move", () => {
    const changes = rollout("staging", { stateBucket: "cob-digital-terraform-state-2" });
    expect(changes.staging).toEqual({ "terraform.backend": "migrate-state" });
    expect(changes.production).toEqual({});
  });
});
