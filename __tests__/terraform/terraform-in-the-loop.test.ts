/**
 * The rollout claims, checked by the real Terraform CLI: it validates, plans and applies the
 * synthesized stacks against the stand-in AWS provider, and its plans must equal what
 * `lib/change-set.ts` predicts. Skipped, with the reason in the suite's name, when no
 * Terraform ≥ 1.5 is on PATH (`.ci/run` insists on one).
 */
import * as fs from "node:fs";
import type { SynthesizedDocument } from "../../lib/change-set";
import type { StageConfig } from "../../stacks/stages";
import { AMI_B } from "../support/fixtures";
import {
  TerraformWorkspace,
  buildStandIn,
  plannedActions,
  terraformOnPath,
  type PlanJson,
  type StandIn,
} from "./harness";
import {
  STAGES,
  otherDrainZip,
  predictedActions,
  synthesize,
  withoutResource,
  type StageName,
} from "./scenarios";
import type { ApplyLogEntry } from "./stand-in-provider/managed-resources";

const LC = "aws_launch_configuration.instances";
const ASG = "aws_autoscaling_group.instances";
const ALARM = "aws_cloudwatch_metric_alarm.low_instance_alarm";
const ROLLOUT = { [LC]: "replace", [ASG]: "replace", [ALARM]: "update" };

const terraform = terraformOnPath();
const suite = "missing" in terraform ? describe.skip : describe;
// Jest does not list the tests of a wholly skipped file: this is the one line that says why.
if ("missing" in terraform)
  process.stderr.write(`Skipping the Terraform-in-the-loop tests: ${terraform.missing}\n`);
const title =
  "missing" in terraform
    ? `Terraform in the loop (skipped: ${terraform.missing})`
    : `Terraform ${terraform.version} with the stand-in AWS provider`;

suite(title, () => {
  jest.setTimeout(120_000);
  const base = synthesize();
  let standIn: StandIn;
  const workspaces = {} as Record<StageName, TerraformWorkspace>;
  /** What each stage's state was last applied from. */
  const applied = {} as Record<StageName, SynthesizedDocument>;
  /** Staging's settings as last applied (the rollouts build on one another). */
  let stagingSettings: Partial<StageConfig> = {};

  beforeAll(async () => {
    standIn = await buildStandIn();
    for (const stage of STAGES) {
      workspaces[stage] = new TerraformWorkspace(standIn);
      workspaces[stage].writeStack(base[stage]);
      workspaces[stage].init();
    }
  });

  afterAll(() => {
    for (const dir of [standIn?.dir, ...Object.values(workspaces).map((w) => w.dir)]) {
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(STAGES)("validates the %s stack", (stage) => {
    const result = JSON.parse(workspaces[stage].mustRun("validate", "-json")) as {
      valid: boolean;
      diagnostics: unknown[];
    };
    expect(result).toEqual(expect.objectContaining({ valid: true, diagnostics: [] }));
  });

  it.each(STAGES)("plans only creates for %s from an empty state, and applies them", (stage) => {
    const workspace = workspaces[stage];
    const actions = plannedActions(workspace.plan());
    expect(actions).toEqual(predictedActions({}, base[stage]));
    expect(new Set(Object.values(actions))).toEqual(new Set(["create"]));

    const log = workspace.applyPlan();
    const awsResources = Object.keys(actions).filter((address) => address.startsWith("aws_"));
    expect(log.map((entry) => entry.action)).toEqual(awsResources.map(() => "create"));
    expect(workspace.state().filter((r) => r.mode === "managed")).toHaveLength(
      Object.keys(actions).length,
    );
    applied[stage] = base[stage];
  });

  describe.each<[string, Partial<StageConfig>, Record<string, string>]>([
    ["a new AMI", { amiId: AMI_B }, ROLLOUT],
    ["a new instance type", { instanceType: "c6i.xlarge" }, ROLLOUT],
    [
      "a new drain hook heartbeat",
      { drain: { heartbeatTimeoutSeconds: 1500 } },
      { ...ROLLOUT, "terraform_data.drain_hook": "replace" },
    ],
  ])("for %s in staging", (_change, settings, expected) => {
    let plan: PlanJson;
    let after: SynthesizedDocument;

    it("plans exactly the rollout, as predicted, with the LC and ASG created before destroyed", () => {
      const next = { ...stagingSettings, ...settings };
      after = synthesize({ stage: "staging", settings: next }).staging;
      workspaces.staging.writeStack(after);
      plan = workspaces.staging.plan();
      expect(plannedActions(plan)).toEqual(expected);
      expect(plannedActions(plan)).toEqual(predictedActions(applied.staging, after));
      expect(actionsOf(plan, LC)).toEqual(["create", "delete"]);
      expect(actionsOf(plan, ASG)).toEqual(["create", "delete"]);
      expect(actionsOf(plan, ALARM)).toEqual(["update"]);
      stagingSettings = next;
    });

    it("plans nothing in production", () => {
      expect(plannedActions(workspaces.production.plan())).toEqual({});
    });

    it("applies the new LC and ASG and the alarm before the old ASG and LC go, and no drain resource before them", () => {
      const workspace = workspaces.staging;
      const before = idsByAddress(workspace);
      const log = workspace.applyPlan();
      const now = idsByAddress(workspace);
      expect(now[LC]).not.toBe(before[LC]);
      expect(log).toEqual([
        { action: "create", type: "aws_launch_configuration", id: now[LC] },
        { action: "create", type: "aws_autoscaling_group", id: now[ASG] },
        { action: "update", type: "aws_cloudwatch_metric_alarm", id: now[ALARM] },
        { action: "delete", type: "aws_autoscaling_group", id: before[ASG] },
        { action: "delete", type: "aws_launch_configuration", id: before[LC] },
      ]);
      expect(touchedBeforeOldGroupIsGone(log, before[ASG])).toEqual([]);
      applied.staging = after;
    });
  });

  it("for new drain function code updates only the function, in place, before any instance drains", () => {
    const workspace = workspaces.staging;
    const after = synthesize(
      { stage: "staging", settings: stagingSettings },
      otherDrainZip(),
    ).staging;
    workspace.writeStack(after);
    const actions = plannedActions(workspace.plan());
    expect(actions).toEqual({ "aws_lambda_function.instance_drain": "update" });
    expect(actions).toEqual(predictedActions(applied.staging, after));
    const function_ = idsByAddress(workspace)["aws_lambda_function.instance_drain"];
    expect(workspace.applyPlan()).toEqual([
      { action: "update", type: "aws_lambda_function", id: function_ },
    ]);
    applied.staging = after;
  });

  // The scenarios of __tests__/stacks/rollout-change-set.test.ts, planned on the applied state.
  it.each<[string, StageName, Partial<StageConfig>]>([
    ["a new AMI", "production", { amiId: AMI_B }],
    ["a new instance type", "production", { instanceType: "c6i.xlarge" }],
    ["a longer drain bound", "production", { drain: { drainTimeoutMinutes: 90 } }],
    ["a new hook heartbeat", "production", { drain: { heartbeatTimeoutSeconds: 1500 } }],
    ["a new cluster name", "staging", { clusterName: "apps-renamed" }],
  ])("plans what lib/change-set.ts predicts for %s in %s", (_change, stage, settings) => {
    const current = stage === "staging" ? stagingSettings : {};
    const after = synthesize({ stage, settings: { ...current, ...settings } })[stage];
    workspaces[stage].writeStack(after);
    try {
      expect(plannedActions(workspaces[stage].plan())).toEqual(
        predictedActions(applied[stage], after),
      );
    } finally {
      workspaces[stage].writeStack(applied[stage]);
    }
  });

  it("adds terraform_data.drain_hook to a state without it by creating it alone", () => {
    const workspace = new TerraformWorkspace(standIn);
    try {
      const withoutHook = withoutResource(base.staging, "terraform_data", "drain_hook");
      workspace.writeStack(withoutHook);
      workspace.init();
      workspace.plan();
      workspace.applyPlan();
      workspace.writeStack(base.staging);
      const actions = plannedActions(workspace.plan());
      expect(actions).toEqual({ "terraform_data.drain_hook": "create" });
      expect(actions).toEqual(predictedActions(withoutHook, base.staging));
      expect(workspace.applyPlan()).toEqual([]);
    } finally {
      fs.rmSync(workspace.dir, { recursive: true, force: true });
    }
  });

  it("plans an import block as an import of the existing cluster and creates the rest", () => {
    const workspace = new TerraformWorkspace(standIn);
    try {
      workspace.writeStack({
        ...base.staging,
        import: [{ to: "aws_ecs_cluster.cluster", id: "apps-staging" }],
      });
      workspace.init();
      const plan = workspace.plan();
      const cluster = plan.resource_changes?.find((c) => c.address === "aws_ecs_cluster.cluster");
      expect(cluster?.change.importing).toEqual({ id: "apps-staging" });
      expect(cluster?.change.actions).toEqual(["no-op"]);
      const { "aws_ecs_cluster.cluster": imported, ...others } = predictedActions({}, base.staging);
      expect(imported).toBe("create");
      expect(plannedActions(plan)).toEqual(others);
      const log = workspace.applyPlan();
      expect(log.filter((entry) => entry.type === "aws_ecs_cluster")).toEqual([]);
    } finally {
      fs.rmSync(workspace.dir, { recursive: true, force: true });
    }
  });
});

function actionsOf(plan: PlanJson, address: string): readonly string[] | undefined {
  return plan.resource_changes?.find((change) => change.address === address)?.change.actions;
}

function idsByAddress(workspace: TerraformWorkspace): Record<string, string> {
  return Object.fromEntries(
    workspace
      .state()
      .filter((resource) => resource.mode === "managed")
      .map((resource) => [resource.address, String(resource.values.id)]),
  );
}

/**
 * Everything deleted, or created other than the new LC and ASG, before the old ASG was deleted:
 * anything here (a drain function, topic, subscription, permission or policy replaced) would
 * leave the old instances draining without the machinery that drains them.
 */
function touchedBeforeOldGroupIsGone(
  log: readonly ApplyLogEntry[],
  oldGroupId: string,
): ApplyLogEntry[] {
  const end = log.findIndex(
    (entry) =>
      entry.action === "delete" &&
      entry.type === "aws_autoscaling_group" &&
      entry.id === oldGroupId,
  );
  expect(end).toBeGreaterThanOrEqual(0);
  const rolling = new Set(["aws_launch_configuration", "aws_autoscaling_group"]);
  return log
    .slice(0, end)
    .filter(
      (entry) =>
        entry.action === "delete" || (entry.action === "create" && !rolling.has(entry.type)),
    );
}
