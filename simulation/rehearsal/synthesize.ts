/**
 * A stage's stack as the rehearsal applies it, synthesized in process from a `Stages` value —
 * stacks/stages.json as it is, with the edits a rehearsal makes (a new AMI, shorter-but-valid
 * drain timing) — by the same `addClusterStacks` that `main.ts` uses, into a folder of its own.
 * stacks/stages.json is read, never written.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import { readSynthesizedStack, type SynthesizedDocument } from "../../change-set/document";
import type { ImportEntry } from "../../config/imports";
import { readStages, type StageConfig, type StageName, type Stages } from "../../config/stages";
import { packageLambda } from "../../lambda/bundle";
import { addClusterStacks } from "../../stacks/cluster-app";

export const STAGES_FILE = "stacks/stages.json";

/** What a rehearsal changes in one stage's settings. */
export type StageEdit = (stage: StageConfig) => Partial<StageConfig>;

export interface SynthesizedStage {
  readonly document: SynthesizedDocument;
  /** The stack's folder (its `assets/` hold the drain function's zip). */
  readonly stackDir: string;
  /** The synth's own temporary folder, holding `stackDir`: the caller removes it when done. */
  readonly outdir: string;
}

/** The stages of stacks/stages.json with `edit` applied to `stage`. */
export function editedStages(stage: StageName, edit: StageEdit): Stages {
  const stages = readStages(STAGES_FILE);
  return { ...stages, [stage]: { ...stages[stage], ...edit(stages[stage]) } };
}

/**
 * Synthesizes every stage of `stages` (as `npm run synth` would) and returns `stage`'s stack,
 * with an import block for each of `imports` (as `stacks/imports/<stage>.json` would give it).
 */
export function synthesizeStage(
  stages: Stages,
  stage: StageName,
  imports: readonly ImportEntry[] = [],
): SynthesizedStage {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearsal-synth-"));
  const app = new App({ outdir });
  const stageImports =
    imports.length === 0
      ? {}
      : { [stage]: { source: "rehearsal", imports: [...imports], file: "(rehearsal imports)" } };
  addClusterStacks(app, stages, packageLambda("instance-drain"), STAGES_FILE, stageImports);
  app.synth();
  return {
    document: readSynthesizedStack(outdir, stage),
    stackDir: path.join(outdir, "stacks", stage),
    outdir,
  };
}
