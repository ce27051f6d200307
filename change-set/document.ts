import * as fs from "node:fs";
import * as path from "node:path";
import { types } from "node:util";
import { isJsonObject } from "./json-object";

/** Any value that can appear in a synthesized Terraform JSON document. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The configuration of one resource or data source block, attribute by top-level attribute. */
export type BlockConfig = { readonly [attribute: string]: JsonValue };

/** Blocks of one kind (`resource` or `data`), by type and then by name. */
export type BlocksByType = {
  readonly [type: string]: { readonly [name: string]: BlockConfig };
};

/**
 * The parts of a synthesized `cdk.tf.json` that a change set compares. Everything else
 * (`terraform`, `provider`, `output`, `locals`, ...) is allowed and ignored.
 */
export interface SynthesizedDocument {
  /** Managed resources: `resource.<type>.<name>` is addressed as `<type>.<name>`. */
  readonly resource?: BlocksByType;
  /** Data sources: `data.<type>.<name>` is addressed as `data.<type>.<name>`. */
  readonly data?: BlocksByType;
  readonly [section: string]: unknown;
}

/**
 * Reads `<outdir>/stacks/<stack>/cdk.tf.json`, the file `cdktf synth` writes for a stack.
 *
 * @throws Error with a one-line message naming the file when it is missing, unreadable, not JSON,
 *   or not shaped like a Terraform JSON document.
 */
export function readSynthesizedStack(outdir: string, stack: string): SynthesizedDocument {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (isErrnoException(error) && error.code === "ENOENT") {
      throw new Error(`No synthesized stack at ${file} (run "cdktf synth" first)`);
    }
    throw new Error(`Cannot read synthesized stack ${file}: ${oneLine(messageOf(error))}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`Synthesized stack ${file} is not valid JSON: ${oneLine(messageOf(error))}`);
  }
  const problem = shapeProblem(parsed);
  if (problem !== undefined) {
    throw new Error(`Synthesized stack ${file} is not a Terraform JSON document: ${problem}`);
  }
  return parsed as SynthesizedDocument;
}

/** Why a parsed value cannot be used as a document, or undefined when it can. */
function shapeProblem(document: unknown): string | undefined {
  if (!isJsonObject(document)) return "the top level is not an object";
  for (const section of ["resource", "data"]) {
    const blocks = document[section];
    if (blocks === undefined) continue;
    if (!isJsonObject(blocks)) return `"${section}" is not an object`;
    for (const [type, byName] of Object.entries(blocks)) {
      if (!isJsonObject(byName)) return `"${section}.${type}" is not an object`;
      for (const [name, config] of Object.entries(byName)) {
        if (!isJsonObject(config)) return `"${section}.${type}.${name}" is not an object`;
      }
    }
  }
  return undefined;
}

// isNativeError rather than instanceof: errors may come from another realm (a jest VM context).
function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return types.isNativeError(error) && "code" in error;
}

function messageOf(error: unknown): string {
  return types.isNativeError(error) ? error.message : String(error);
}

// V8's JSON errors quote a slice of the input, which may span lines.
function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
