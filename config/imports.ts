import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { ConfigError } from "./config-error";
import type { StageName } from "./stages";
import { readUtf8File } from "./utf8-text";

/**
 * `stacks/imports/<stage>.json`: the live objects a stage's stack takes over instead of creating
 * them, written by `apps-cluster adopt <stage> --write`. While the file exists the stack emits a
 * Terraform `import` block for each, so the next plan imports them.
 */

const entry = v.strictObject({
  /** Address in this project's stack, e.g. `aws_ecs_cluster.cluster`. */
  to: v.pipe(v.string(), v.regex(/^aws_[a-z0-9_]+\.[a-z0-9_]+$/, "must be a resource address")),
  /** The id Terraform's import of that type expects (cluster name, LC name, ...). */
  id: v.pipe(v.string(), v.minLength(1, "must not be empty")),
  /** Where the object is managed today, e.g. `module.staging_cluster.aws_ecs_cluster.cluster`. */
  from: v.optional(v.string()),
});

const importsSchema = v.strictObject({
  /** The state the imports were read from, for people reading the file. */
  source: v.string(),
  imports: v.array(entry),
});

export type ImportEntry = v.InferOutput<typeof entry>;
/** An imports file as read: its content and where it was read from. */
export type StageImports = v.InferOutput<typeof importsSchema> & { readonly file: string };

/** Where a stage's imports file lives: `imports/<stage>.json` beside the stages file. */
export function importsPath(stagesFile: string, stage: StageName): string {
  return join(dirname(stagesFile), "imports", `${stage}.json`);
}

/** A stage's imports, or undefined when it has no imports file. */
export function readStageImports(path: string): StageImports | undefined {
  if (!existsSync(path)) return undefined;
  const text = readUtf8File(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  const result = v.safeParse(importsSchema, raw);
  if (!result.success) {
    const [issue] = result.issues;
    const where = (issue.path ?? []).map((item) => String(item.key)).join(".") || "file";
    throw new ConfigError(`${path}: ${where}: ${issue.message}`);
  }
  const seen = new Set<string>();
  for (const { to } of result.output.imports) {
    if (seen.has(to)) throw new ConfigError(`${path}: ${to} is imported twice`);
    seen.add(to);
  }
  return { ...result.output, file: path };
}
