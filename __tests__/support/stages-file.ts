import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStages, type LoadedStages } from "../../config/stages";

const dir = mkdtempSync(join(tmpdir(), "stages-file-"));
let files = 0;

/** Writes stages as a stages file and loads it as main.ts does, placeholders included. */
export function loadStagesFrom(stages: unknown): LoadedStages {
  const path = join(dir, `stages-${files++}.json`);
  writeFileSync(path, JSON.stringify(stages, null, 2));
  return loadStages(path);
}
