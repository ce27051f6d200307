/**
 * What the real provider judges: every change-set scenario it can plan, and a single-field edit
 * of every stage field in both stages. Shared by the agreement test and `npm run bench:real-provider`.
 */
import type { SynthesizedDocument } from "../../../change-set/document";
import { baseStages } from "../../support/fixtures";
import { CHANGE_SET_SCENARIOS } from "../change-set-scenarios";
import { completeRequired } from "../combined-config";
import { STAGES, synthesize } from "../scenarios";
import type { VendoredSchema } from "../stand-in-provider/schema";
import { STAGE_EDITS } from "./stage-edits";
import { withValidArguments } from "./valid-arguments";

export interface Case {
  readonly name: string;
  readonly before: SynthesizedDocument;
  readonly after: SynthesizedDocument;
}

/** Scenarios the mirror's provider cannot plan: they use arguments only 6.x has. */
export const SIX_ONLY: Readonly<Record<string, string>> = {
  "topic region": "per-resource region is new in provider 6",
  "durable_config added": "Lambda durable_config is new in provider 6",
  "durable_config changed": "Lambda durable_config is new in provider 6",
};

/** The change-set scenarios with the arguments the real provider requires, alike on both sides. */
export function changeSetCases(schema: VendoredSchema): Case[] {
  return CHANGE_SET_SCENARIOS.filter((s) => !(s.name in SIX_ONLY)).map((scenario) => {
    const [before, after] = completeRequired(
      withValidArguments([scenario.before, scenario.after]),
      schema,
    );
    return { name: scenario.name, before, after };
  });
}

/** `<stage> <field>` for every edit of `STAGE_EDITS` in both stages (names only: no synth). */
export const FIELD_EDITS = STAGES.flatMap((stage) =>
  Object.entries(STAGE_EDITS).map(([field, edit]) => ({ name: `${stage} ${field}`, stage, edit })),
);

/** The test stages' stacks before and after each field edit (a synth per edit). */
export function fieldCases(): Case[] {
  const base = synthesize();
  return FIELD_EDITS.map(({ name, stage, edit }) => ({
    name,
    before: base[stage],
    after: synthesize({ stage, settings: edit(baseStages()[stage]) })[stage],
  }));
}
