import { sync as writeFileAtomicSync } from "write-file-atomic";
import { ConfigError } from "./config-error";

/**
 * Replaces `path` with `text` through write-file-atomic (a temporary file beside it, renamed over
 * it; an existing file keeps its mode). An interrupted or failed write leaves the original file
 * as it was and no temporary file behind; the failure is one line for the operator.
 */
export function replaceFileAtomically(path: string, text: string): void {
  try {
    writeFileAtomicSync(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${path}: cannot write (${code}); the file is unchanged`);
  }
}
