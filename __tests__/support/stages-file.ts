import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStages, type LoadedStages } from "../../config/stages";

/**
 * Writes `stages` (usually `baseStages()` with one field changed, from ./fixtures) as a stages
 * file `stages.json` in a directory of its own, so the file's `imports/` folder is its own too.
 * A string is written as it is (a file that is not valid JSON).
 */
export function writeStagesFile(stages: unknown, prefix = "stages-file-"): string {
  const path = join(mkdtempSync(join(tmpdir(), prefix)), "stages.json");
  writeFileSync(path, typeof stages === "string" ? stages : JSON.stringify(stages, null, 2));
  return path;
}

/** Writes stages as a stages file and loads it as main.ts does, placeholders included. */
export function loadStagesFrom(stages: unknown): LoadedStages {
  return loadStages(writeStagesFile(stages));
}
