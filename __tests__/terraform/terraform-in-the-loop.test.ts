/**
 * The rollout claims, checked by the real Terraform CLI: it validates, plans and applies the
 * synthesized stacks against the stand-in AWS provider, and its plans must equal what
 * `change-set/change-set.ts` predicts. Skipped, with the reason in the suite's name, when no
 * Terraform ≥ 1.10 is on PATH (`.ci/run` insists on one).
 */
import type { SynthesizedDocument } from "../../change-set/change-set";
import type { StageConfig } from "../../config/stages";
import {
  plannedActions,
  type PlanJson,
  type StateResource,
  type TerraformWorkspace,
} from "../../simulation/terraform/harness";
import {
  ALARM,
  ASG,
  LC,
  actionsAt,
  applyWithIds,
  idsByAddress,
  standInWorkspaces,
  terraformSuite,
} from "./in-the-loop";
import {
  STAGES,
  otherDrainZip,
  predictedActions,
  synthesize,
  withoutResource,
  type StageName,
} from "../../simulation/terraform/scenarios";
import type { ApplyLogEntry } from "../../simulation/terraform/stand-in-provider/managed-resources";
import { NEW_AMI } from "../../simulation/amis";

const ROLLOUT = { [LC]: "replace", [ASG]: "replace", [ALARM]: "update" };

const { suite, title } = terraformSuite(
  "Terraform in the loop",
  (version) => `Terraform ${version} with the stand-in AWS provider`,
);

suite(title, () => {
  jest.setTimeout(120_000);
  const base = synthesize();
  const { fresh, scratch } = standInWorkspaces();
  const workspaces = {} as Record<StageName, TerraformWorkspace>;
  /** What each stage's state was last applied from. */
  const applied = {} as Record<StageName, SynthesizedDocument>;
  /** Staging's settings as last applied (the rollouts build on one another). */
  let stagingSettings: Partial<StageConfig> = {};

  /** Runs the same step for both stages at once (their working directories are independent). */
  const eachStage = <T>(step: (stage: StageName) => Promise<T>) =>
    Promise.all(STAGES.map(step)).then(
      (results) =>
        Object.fromEntries(STAGES.map((s, i) => [s, results[i]])) as Record<StageName, T>,
    );

  beforeAll(async () => {
    await eachStage(async (stage) => {
      workspaces[stage] = await fresh(base[stage]);
    });
  });

  describe("from an empty state", () => {
    let validation: Record<StageName, { valid: boolean; diagnostics: unknown[] }>;
    let plans: Record<StageName, PlanJson>;
    let logs: Record<StageName, ApplyLogEntry[]>;
    let states: Record<StageName, StateResource[]>;

    beforeAll(async () => {
      validation = await eachStage(async (stage) =>
        JSON.parse(await workspaces[stage].mustRun("validate", "-json")),
      );
      plans = await eachStage((stage) => workspaces[stage].plan());
      logs = await eachStage((stage) => workspaces[stage].applyPlan());
      states = await eachStage((stage) => workspaces[stage].state());
      for (const stage of STAGES) applied[stage] = base[stage];
    });

    it.each(STAGES)("validates the %s stack", (stage) => {
      expect(validation[stage]).toEqual(expect.objectContaining({ valid: true, diagnostics: [] }));
    });

    it.each(STAGES)("plans only creates for %s, and applies them", (stage) => {
      const actions = plannedActions(plans[stage]);
      expect(actions).toEqual(predictedActions({}, base[stage]));
      expect(new Set(Object.values(actions))).toEqual(new Set(["create"]));
      const awsResources = Object.keys(actions).filter((address) => address.startsWith("aws_"));
      expect(logs[stage].map((entry) => entry.action)).toEqual(awsResources.map(() => "create"));
      expect(states[stage].filter((r) => r.mode === "managed")).toHaveLength(
        Object.keys(actions).length,
      );
    });
  });

  describe.each<[string, Partial<StageConfig>, Record<string, string>]>([
    ["a new AMI", { amiId: NEW_AMI }, ROLLOUT],
    ["a new instance type", { instanceType: "c6i.xlarge" }, ROLLOUT],
    [
      "a new drain hook heartbeat",
      { drain: { heartbeatTimeoutSeconds: 1500 } },
      { ...ROLLOUT, "terraform_data.drain_hook": "replace" },
    ],
  ])("for %s in staging", (_change, settings, expected) => {
    let plan: PlanJson;
    let production: PlanJson;
    let after: SynthesizedDocument;

    beforeAll(async () => {
      stagingSettings = { ...stagingSettings, ...settings };
      after = synthesize({ stage: "staging", settings: stagingSettings }).staging;
      workspaces.staging.writeStack(after);
      [plan, production] = await Promise.all([
        workspaces.staging.plan(),
        workspaces.production.plan(),
      ]);
    });

    it("plans exactly the rollout, as predicted, with the LC and ASG created before destroyed", () => {
      expect(plannedActions(plan)).toEqual(expected);
      expect(plannedActions(plan)).toEqual(predictedActions(applied.staging, after));
      expect(actionsAt(plan, LC)).toEqual(["create", "delete"]);
      expect(actionsAt(plan, ASG)).toEqual(["create", "delete"]);
      expect(actionsAt(plan, ALARM)).toEqual(["update"]);
    });

    it("plans nothing in production", () => {
      expect(plannedActions(production)).toEqual({});
    });

    it("applies the new LC and ASG and the alarm before the old ASG and LC go, and no drain resource before them", async () => {
      const workspace = workspaces.staging;
      const { before, log, now } = await applyWithIds(workspace);
      applied.staging = after;
      expect(now[LC]).not.toBe(before[LC]);
      expect(log).toEqual([
        { action: "create", type: "aws_launch_configuration", id: now[LC] },
        { action: "create", type: "aws_autoscaling_group", id: now[ASG] },
        { action: "update", type: "aws_cloudwatch_metric_alarm", id: now[ALARM] },
        { action: "delete", type: "aws_autoscaling_group", id: before[ASG] },
        { action: "delete", type: "aws_launch_configuration", id: before[LC] },
      ]);
      expect(touchedBeforeOldGroupIsGone(log, before[ASG])).toEqual([]);
    });
  });

  it("for new drain function code updates only the function, in place", async () => {
    const workspace = workspaces.staging;
    const after = synthesize(
      { stage: "staging", settings: stagingSettings },
      otherDrainZip(),
    ).staging;
    workspace.writeStack(after);
    const actions = plannedActions(await workspace.plan());
    expect(actions).toEqual({ "aws_lambda_function.instance_drain": "update" });
    expect(actions).toEqual(predictedActions(applied.staging, after));
    const function_ = idsByAddress(await workspace.state())["aws_lambda_function.instance_drain"];
    expect(await workspace.applyPlan()).toEqual([
      { action: "update", type: "aws_lambda_function", id: function_ },
    ]);
    applied.staging = after;
  });

  // The scenarios of __tests__/stacks/rollout-change-set.test.ts, planned on the applied states.
  describe("plans what change-set/change-set.ts predicts", () => {
    const scenarios: [string, StageName, Partial<StageConfig>][] = [
      ["a new AMI", "production", { amiId: NEW_AMI }],
      ["a new instance type", "production", { instanceType: "c6i.xlarge" }],
      ["a longer drain timeout", "production", { drain: { drainTimeoutMinutes: 90 } }],
      ["a new hook heartbeat", "production", { drain: { heartbeatTimeoutSeconds: 1500 } }],
      ["a new cluster name", "staging", { clusterName: "apps-renamed" }],
    ];
    const results = new Map<string, { planned: object; predicted: object }>();

    beforeAll(async () => {
      await Promise.all(
        scenarios.map(async ([name, stage, settings]) => {
          const current = stage === "staging" ? stagingSettings : {};
          const after = synthesize({ stage, settings: { ...current, ...settings } })[stage];
          const workspace = scratch(workspaces[stage]);
          workspace.writeStack(after);
          results.set(name, {
            planned: plannedActions(await workspace.plan()),
            predicted: predictedActions(applied[stage], after),
          });
        }),
      );
    });

    it.each(scenarios)("for %s in %s", (name) => {
      const { planned, predicted } = results.get(name) ?? { planned: {}, predicted: { name } };
      expect(planned).toEqual(predicted);
    });
  });

  describe("from other starting points", () => {
    const withoutHook = withoutResource(base.staging, "terraform_data", "drain_hook");
    const withImport = {
      ...base.staging,
      import: [{ to: "aws_ecs_cluster.cluster", id: "apps-staging" }],
    };
    let hook: { actions: Record<string, string>; log: ApplyLogEntry[] };
    let imports: { plan: PlanJson; log: ApplyLogEntry[] };

    beforeAll(async () => {
      const addHook = async () => {
        const workspace = await fresh(withoutHook);
        await workspace.plan();
        await workspace.applyPlan();
        workspace.writeStack(base.staging);
        const actions = plannedActions(await workspace.plan());
        return { actions, log: await workspace.applyPlan() };
      };
      const importCluster = async () => {
        const workspace = await fresh(withImport);
        const plan = await workspace.plan();
        return { plan, log: await workspace.applyPlan() };
      };
      [hook, imports] = await Promise.all([addHook(), importCluster()]);
    });

    it("adds terraform_data.drain_hook to a state without it by creating it alone", () => {
      expect(hook.actions).toEqual({ "terraform_data.drain_hook": "create" });
      expect(hook.actions).toEqual(predictedActions(withoutHook, base.staging));
      expect(hook.log).toEqual([]);
    });

    it("plans an import block as an import of the existing cluster and creates the rest", () => {
      const { plan, log } = imports;
      const cluster = plan.resource_changes?.find((c) => c.address === "aws_ecs_cluster.cluster");
      expect(cluster?.change.importing).toEqual({ id: "apps-staging" });
      expect(cluster?.change.actions).toEqual(["no-op"]);
      const predicted = predictedActions({}, withImport);
      expect(predicted["aws_ecs_cluster.cluster"]).toBe("import");
      expect(plannedActions(plan)).toEqual(predicted);
      expect(log.filter((entry) => entry.type === "aws_ecs_cluster")).toEqual([]);
    });
  });
});

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
