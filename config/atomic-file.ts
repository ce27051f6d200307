import { existsSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "./config-error";

/**
 * Replaces `path` with `text`: written to a temporary file in the same directory (same file
 * system, so the rename is atomic) and renamed over it. An interrupted or failed write leaves the
 * original file as it was and no temporary file behind.
 */
export function replaceFileAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // A new file gets the usual mode; an existing one keeps its own.
    const mode = existsSync(path) ? statSync(path).mode : 0o644;
    writeFileSync(temporary, text, { mode });
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
