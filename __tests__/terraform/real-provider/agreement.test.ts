/**
 * The real hashicorp/aws provider judges the prediction: every change-set scenario and a
 * single-field edit of every stage field, in both stages, planned by the provider binary of the
 * machine's filesystem mirror (one base-state build and one plan for all of them). For each,
 * the change set must give every managed resource the action of the real plan, and the
 * stand-in provider's replace decision must equal the real one.
 */
import * as fs from "node:fs";
import type { SynthesizedDocument } from "../../../change-set/document";
import { STAGE_FIELDS } from "../../../config/stages";
import { baseStages } from "../../support/fixtures";
import { CHANGE_SET_SCENARIOS } from "../change-set-scenarios";
import { completeRequired } from "../combined-config";
import { STAND_IN_DIR, plannedActions, terraformOnPath } from "../harness";
import { STAGES, predictedActions, synthesize } from "../scenarios";
import { readVendoredSchema } from "../stand-in-provider/schema";
import { judge, type JudgedScenario } from "./judge";
import { findRealProvider, installRealProvider, type RealProvider } from "./mirror";
import { standInReplacements, realReplacements } from "./replace-decisions";
import { NOT_EDITED, STAGE_EDITS } from "./stage-edits";
import { withValidArguments } from "./valid-arguments";

const terraform = terraformOnPath();
const found = findRealProvider();
const missing =
  "missing" in terraform ? terraform.missing : "missing" in found ? found.missing : undefined;
const suite = missing === undefined ? describe : describe.skip;
// Jest does not list the tests of a wholly skipped file: this is the one line that says why.
if (missing !== undefined) process.stderr.write(`Skipping the real-provider tests: ${missing}\n`);

/** Scenarios the mirror's provider cannot plan: they use arguments only 6.x has. */
const SIX_ONLY: Readonly<Record<string, string>> = {
  "topic region": "per-resource region is new in provider 6",
  "durable_config added": "Lambda durable_config is new in provider 6",
  "durable_config changed": "Lambda durable_config is new in provider 6",
};

interface Case {
  readonly name: string;
  readonly before: SynthesizedDocument;
  readonly after: SynthesizedDocument;
}

const schema = readVendoredSchema(STAND_IN_DIR);
const changeSetCases: Case[] = CHANGE_SET_SCENARIOS.filter((s) => !(s.name in SIX_ONLY)).map(
  (scenario) => {
    const [before, after] = completeRequired(
      withValidArguments([scenario.before, scenario.after]),
      schema,
    );
    return { name: scenario.name, before, after };
  },
);
const fieldEdits = STAGES.flatMap((stage) =>
  Object.entries(STAGE_EDITS).map(([field, edit]) => ({ name: `${stage} ${field}`, stage, edit })),
);

suite(
  `the change set agrees with the real AWS provider ${"version" in found ? found.version : ""}`,
  () => {
    jest.setTimeout(600_000);
    let provider: RealProvider;
    const cases = new Map<string, Case & { judged?: JudgedScenario }>();

    beforeAll(async () => {
      provider = installRealProvider(found as { version: string; mirror: string });
      const base = synthesize();
      const fieldCases = fieldEdits.map(({ name, stage, edit }) => ({
        name,
        before: base[stage],
        after: synthesize({ stage, settings: edit(baseStages()[stage]) })[stage],
      }));
      const all = [...changeSetCases, ...fieldCases];
      const results = await judge(provider, all);
      all.forEach((c, index) => cases.set(c.name, { ...c, judged: results[index] }));
    });

    afterAll(() => {
      if (provider !== undefined) fs.rmSync(provider.dir, { recursive: true, force: true });
    });

    it("has an edit for every field of a stage, or says why not", () => {
      const covered = [...Object.keys(STAGE_EDITS), ...Object.keys(NOT_EDITED)].sort();
      expect(covered).toEqual([...STAGE_FIELDS].sort());
    });

    it.each([...changeSetCases, ...fieldEdits].map((c) => c.name))("for %s", (name) => {
      const scenario = cases.get(name) as Case & { judged: JudgedScenario };
      const real = scenario.judged;
      expect(predictedActions(scenario.before, scenario.after)).toEqual(
        plannedActions({ resource_changes: real.changes }),
      );
      // The stand-in decides replace or update from the same table as the prediction.
      expect(standInReplacements(real.changes, scenario.after, schema)).toEqual(
        realReplacements(real.changes),
      );
    });
  },
);
