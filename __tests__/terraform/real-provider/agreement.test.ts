/**
 * The real hashicorp/aws provider judges the prediction: every change-set scenario, a
 * single-field edit of every stage field in both stages, and the rollouts of staging between
 * launch kinds, planned by the provider binary of the machine's filesystem mirror (one
 * base-state build and one plan for all of them). For each, the change set must give every
 * managed resource the action of the real plan; for each rollout that replaces the group,
 * Terraform's apply graph must keep the old group until the new one and the alarm are applied,
 * and destroy nothing else before the old group is gone.
 */
import * as fs from "node:fs";
import { changeSet, type ResourceChange } from "../../../change-set/change-set";
import { STAGE_FIELDS } from "../../../config/stages";
import { planChanges } from "../../../ops/change-guard/plan-changes";
import { configChanges, flagChanges, verdictOf } from "../../../ops/change-guard/verdict";
import { baseStages } from "../../../simulation/fixtures";
import { plannedActions, terraformOnPath } from "../../../simulation/terraform/harness";
import { predictedActions } from "../../../simulation/terraform/scenarios";
import { readVendoredSchema } from "../../../simulation/terraform/provider-schema/schema";
import { precedes } from "../../../simulation/terraform/real-provider/apply-graph";
import {
  ALARM,
  FIELD_EDITS,
  GROUP,
  GROUP_ROLLOUTS,
  TEMPLATE_EDITS,
  changeSetCases,
  fieldCases,
  rolloutCases,
  templateCases,
  type Case,
} from "../../../simulation/terraform/real-provider/cases";
import { judge, type JudgedScenario } from "../../../simulation/terraform/real-provider/judge";
import {
  findRealProvider,
  installRealProvider,
  type RealProvider,
} from "../../../simulation/terraform/real-provider/mirror";
import { NOT_EDITED, STAGE_EDITS } from "../../../simulation/terraform/real-provider/stage-edits";

const terraform = terraformOnPath();
const found = findRealProvider();
const missing =
  "missing" in terraform ? terraform.missing : "missing" in found ? found.missing : undefined;
const suite = missing === undefined ? describe : describe.skip;
// Jest does not list the tests of a wholly skipped file: this is the one line that says why.
if (missing !== undefined) process.stderr.write(`Skipping the real-provider tests: ${missing}\n`);
const version = "version" in found ? found.version : "(missing)";

const changeSets = changeSetCases(readVendoredSchema());
const rollouts = rolloutCases();

suite(`the change set agrees with the real AWS provider ${version}`, () => {
  jest.setTimeout(600_000);
  let provider: RealProvider;
  const judged = new Map<string, Case & { real: JudgedScenario }>();

  beforeAll(async () => {
    provider = installRealProvider(found as { version: string; mirror: string });
    const cases = [...changeSets, ...fieldCases(), ...templateCases(), ...rollouts];
    const results = await judge(provider, cases);
    cases.forEach((c, index) => judged.set(c.name, { ...c, real: results[index] }));
  });

  afterAll(() => {
    if (provider !== undefined) fs.rmSync(provider.dir, { recursive: true, force: true });
  });

  it("has an edit for every field of a stage, or says why not", () => {
    const covered = [...Object.keys(STAGE_EDITS), ...Object.keys(NOT_EDITED)].sort();
    expect(covered).toEqual([...STAGE_FIELDS].sort());
  });

  // The guard judges a real plan (changes --plan) as it judges the prediction.
  it.each(FIELD_EDITS.map((c) => [c.name, c] as const))(
    "the guard's verdict on the real plan of %s is the prediction's",
    (name, { stage, edit }) => {
      const { before, after, real } = judged.get(name) as Case & { real: JudgedScenario };
      const settings = configChanges(baseStages()[stage], {
        ...baseStages()[stage],
        ...edit(baseStages()[stage]),
      });
      const verdict = (changes: readonly ResourceChange[]) =>
        verdictOf({ [stage]: { configChanges: settings, changes: flagChanges(changes) } }, "ami");
      const predicted = verdict(changeSet(before, after));
      const planned = verdict(planChanges(real.plan));
      expect(planned.pass).toBe(predicted.pass);
      expect(planned.refused).toBe(predicted.refused);
      expect(planned.stops.length).toBe(predicted.stops.length);
      // An AMI update passes on its real plan, for exactly the reasons the runbook gives.
      expect(planned.pass).toBe(name.endsWith(" amiId"));
    },
  );

  // In template mode an AMI update is its own plan (template updated, generation and group
  // replaced, alarm updated): the guard passes it on the real plan as on the prediction.
  it.each(TEMPLATE_EDITS.map((c) => [c.name, c] as const))(
    "the guard's --expect ami verdict on the real plan of %s is the prediction's",
    (name, { stage, settings }) => {
      const { before, after, real } = judged.get(name) as Case & { real: JudgedScenario };
      const template = { ...baseStages()[stage], launch: "template" as const };
      const changed = configChanges(template, { ...template, ...settings });
      const kinds = { [stage]: { before: "template", after: "template" } as const };
      const verdict = (changes: readonly ResourceChange[]) =>
        verdictOf(
          { [stage]: { configChanges: changed, changes: flagChanges(changes) } },
          "ami",
          kinds,
        );
      const planned = verdict(planChanges(real.plan));
      expect(planned).toEqual(verdict(changeSet(before, after)));
      expect(planned.pass).toBe(name.endsWith(" amiId"));
    },
  );

  it.each([...changeSets, ...FIELD_EDITS, ...TEMPLATE_EDITS, ...rollouts].map((c) => c.name))(
    "for %s",
    (name) => {
      const { before, after, real } = judged.get(name) as Case & { real: JudgedScenario };
      expect(predictedActions(before, after)).toEqual(
        plannedActions({ resource_changes: real.changes }),
      );
    },
  );

  const actions = (name: string) =>
    plannedActions({
      resource_changes: (judged.get(name) as { real: JudgedScenario }).real.changes,
    });

  it.each([
    // Writing the provider's default where it was left out changes nothing (no rollout).
    ["staging without a provider default (associate_public_ip_address)", {}],
    ["staging drain code", { "aws_lambda_function.instance_drain": "update" }],
    ["staging drain hook added", { "terraform_data.drain_hook": "create" }],
    // The new template version reaches the group in place: only instances launched later get
    // the new AMI, and nothing drains.
    [
      "staging template without generation amiId",
      { "aws_launch_template.instances": "update", [GROUP]: "update" },
    ],
  ])("plans %s as %p", (name, expected) => {
    expect(actions(name)).toEqual(expected);
  });

  it("plans only creates from an empty state", () => {
    const planned = Object.values(actions("staging from an empty state"));
    expect(planned.length).toBeGreaterThan(15);
    expect(new Set(planned)).toEqual(new Set(["create"]));
  });

  // A destroy that may run before the old group is gone would leave its instances draining
  // without the machinery that drains them (or a new group not yet serving).
  it.each(GROUP_ROLLOUTS)(
    "applies %s with the new group and the alarm before the old group goes, and every other destroy after it",
    (name) => {
      const { order, changes } = (judged.get(name) as { real: JudgedScenario }).real;
      const oldGroup = `${GROUP} (destroy)`;
      expect(actions(name)).toMatchObject({ [GROUP]: "replace", [ALARM]: "update" });
      expect(precedes(order, GROUP, oldGroup)).toBe(true);
      expect(precedes(order, ALARM, oldGroup)).toBe(true);
      // A new or updated launch configuration or template is in place before the group uses it.
      const launchedFrom = changes
        .filter((c) => /^aws_launch_(configuration|template)\./.test(c.address))
        .filter((c) => c.change.actions.includes("create") || c.change.actions.includes("update"));
      for (const launch of launchedFrom) expect(precedes(order, launch.address, GROUP)).toBe(true);
      const destroys = [...order.keys()].filter((c) => c.endsWith(" (destroy)") && c !== oldGroup);
      expect(destroys.filter((destroy) => !precedes(order, oldGroup, destroy))).toEqual([]);
      expect([...(order.get(oldGroup) ?? [])].filter((c) => c.endsWith(" (destroy)"))).toEqual([]);
    },
  );
});
