import { applyEdits, modify } from "jsonc-parser";

/**
 * Edits of stacks/stages.json made by the CLI: one value replaced in the text as written (every
 * other byte stays as people formatted it); config/atomic-file.ts writes the result.
 */

/** `text` with `<stage>.amiId` set to `amiId`, nothing else changed. */
export function withStageAmiId(text: string, stage: string, amiId: string): string {
  return applyEdits(text, modify(text, [stage, "amiId"], amiId, {}));
}
