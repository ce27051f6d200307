/**
 * The stacks as the real-provider tests change them: both stages synthesized from the
 * test stages with a given drain-function zip, and one stage's settings changed at a time.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { zipSync } from "fflate";
import { changeSet, type SynthesizedDocument } from "../../change-set/change-set";
import { rolloutOrder, type StageConfig, type StageName } from "../../config/stages";
import { DRAIN_ZIP, baseStages, synthStages } from "../fixtures";

export type { StageName } from "../../config/stages";
/** The test stages, in rollout order. */
export const STAGES: readonly StageName[] = rolloutOrder(baseStages());

/** A drain-function zip with other code than the fixtures' one (a code change). */
export function otherDrainZip(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "drain-code-"));
  const file = path.join(dir, "instance-drain.zip");
  const code = new TextEncoder().encode("exports.handler = async () => ({ drained: true });\n");
  fs.writeFileSync(file, zipSync({ "index.js": [code, { mtime: new Date("1980-01-01") }] }));
  return file;
}

/** Every stage's document for the test stages with `change` applied to one stage. */
export function synthesize(
  change: { readonly stage?: StageName; readonly settings?: Partial<StageConfig> } = {},
  drainZip = DRAIN_ZIP,
): Record<StageName, SynthesizedDocument> {
  const stages: Record<StageName, StageConfig> = baseStages();
  if (change.stage !== undefined) {
    stages[change.stage] = { ...stages[change.stage], ...change.settings };
  }
  return synthStages(stages, drainZip);
}

/** What `change-set/change-set.ts` predicts for managed resources (data-source reads left out). */
export function predictedActions(
  before: SynthesizedDocument,
  after: SynthesizedDocument,
): Record<string, string> {
  // Reads, and the provider and backend entries, are not resource changes of a plan.
  const notPlanned = new Set(["read", "reconfigure", "migrate-state"]);
  const managed = changeSet(before, after).filter((change) => !notPlanned.has(change.action));
  return Object.fromEntries(managed.map((change) => [change.address, change.action]));
}

/** The document without one resource, and without every lifecycle reference to it. */
export function withoutResource(
  document: SynthesizedDocument,
  type: string,
  name: string,
): SynthesizedDocument {
  const copy = structuredClone(document) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  delete copy.resource[type][name];
  if (Object.keys(copy.resource[type]).length === 0) delete copy.resource[type];
  const address = `${type}.${name}`;
  for (const blocks of Object.values(copy.resource)) {
    for (const block of Object.values(blocks)) {
      const lifecycle = block.lifecycle as { replace_triggered_by?: string[] } | undefined;
      if (lifecycle?.replace_triggered_by === undefined) continue;
      lifecycle.replace_triggered_by = lifecycle.replace_triggered_by.filter(
        (trigger) => trigger !== address && !trigger.startsWith(`${address}.`),
      );
      if (lifecycle.replace_triggered_by.length === 0) delete lifecycle.replace_triggered_by;
    }
  }
  return copy as unknown as SynthesizedDocument;
}
