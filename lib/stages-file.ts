import { renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { ConfigError } from "./config-error";

/**
 * Edits of stacks/stages.json made by the CLI: one value replaced in the text as written (every
 * other byte stays as people formatted it), and the file replaced atomically.
 */

/** `text` with `<stage>.amiId` set to `amiId`, nothing else changed. */
export function withStageAmiId(text: string, stage: string, amiId: string): string {
  return applyEdits(text, modify(text, [stage, "amiId"], amiId, {}));
}

/**
 * Replaces `path` with `text`: written to a temporary file in the same directory (same file
 * system, so the rename is atomic) and renamed over it. An interrupted or failed write leaves the
 * original file as it was and no temporary file behind.
 */
export function replaceFileAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: statSync(path).mode });
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written, or the rename already moved it.
    }
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${path}: cannot write (${code}); the file is unchanged`);
  }
}
