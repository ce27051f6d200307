import type { BlockConfig, JsonValue, SynthesizedDocument } from "./document";
import { jsonEqual } from "./json-equal";
import { isJsonObject } from "./json-object";

/**
 * Where the state lives: `terraform.backend.<type>` of a synthesized document. A change to it
 * changes no resource, but `terraform init` refuses to plan until it is told what the change
 * means: the state moved (`-migrate-state` copies it to the new place first) or only how it is
 * reached changed (`-reconfigure` keeps it where it is). So a change guard must never call it
 * "no changes", and must say which of the two it is: what each field of the S3 backend means is
 * {@link BACKEND_FIELDS}, the one source of the guard's words and of docs/state-backend.md.
 */
export interface BackendDiff {
  /** One short reason each: `bucket changed`, `type changed (s3 → local)`. */
  readonly reasons: readonly string[];
  /** Whether the state is looked for somewhere else (a `terraform init -migrate-state`). */
  readonly movesState: boolean;
}

/** What changing one field of the S3 backend means for the state. */
export interface BackendFieldMeaning {
  /** The state is looked for somewhere else: `-migrate-state` first, or it is lost. */
  readonly movesState: boolean;
  /** What the change is, one clause. */
  readonly means: string;
}

/** Every field the stacks' S3 backend sets, and what its change means. */
export const BACKEND_FIELDS: Readonly<Record<string, BackendFieldMeaning>> = {
  bucket: { movesState: true, means: "the state is looked for in another bucket" },
  key: { movesState: true, means: "the state is looked for under another key" },
  region: { movesState: true, means: "the state's bucket is looked for in another region" },
  encrypt: {
    movesState: false,
    means: "only how new versions of the state are encrypted in S3; it stays where it is",
  },
  use_lockfile: {
    movesState: false,
    means: "only how the state is locked (a lock file beside it in S3); it stays where it is",
  },
  dynamodb_table: {
    movesState: false,
    means: "only how the state is locked (a DynamoDB table); it stays where it is",
  },
};

/** Any other field, another backend type, a backend added or removed: taken as a move. */
export const OTHER_BACKEND_CHANGE: BackendFieldMeaning = {
  movesState: true,
  means: "not known to keep the state where it is, so taken as a move",
};

/** The `terraform init` option a backend change needs. */
export function initOption(movesState: boolean): "-migrate-state" | "-reconfigure" {
  return movesState ? "-migrate-state" : "-reconfigure";
}

/**
 * docs/state-backend.md's table: each field, what its change means, the `terraform init` it
 * needs and what the change guard does with it, from the same table the guard words its lines
 * with.
 */
export function backendFieldsTable(): string {
  const row = (field: string, { movesState, means }: BackendFieldMeaning) =>
    `| ${field} | ${means} | \`terraform init ${initOption(movesState)}\` | ${
      movesState
        ? "`STOP` (exit 1) unless `--allow-destructive`: without the migration the next plan creates every resource again"
        : "listed (`! backend changed`), not stopped"
    } |`;
  return [
    "| field | a change means | before the next plan | the change guard |",
    "| --- | --- | --- | --- |",
    ...Object.entries(BACKEND_FIELDS).map(([field, meaning]) => row(`\`${field}\``, meaning)),
    row("any other field, another backend type", OTHER_BACKEND_CHANGE),
  ].join("\n");
}

/** How the backend changes from `before` to `after`, or undefined when it stays the same. */
export function backendDiff(
  before: SynthesizedDocument,
  after: SynthesizedDocument,
): BackendDiff | undefined {
  const [old, current] = [backendOf(before), backendOf(after)];
  if (old === undefined && current === undefined) return undefined;
  if (old === undefined) return { reasons: [`${current?.type} backend added`], movesState: true };
  if (current === undefined) return { reasons: [`${old.type} backend removed`], movesState: true };
  if (old.type !== current.type) {
    return { reasons: [`type changed (${old.type} → ${current.type})`], movesState: true };
  }
  const keys = new Set([...Object.keys(old.config), ...Object.keys(current.config)]);
  const changed = [...keys]
    .filter((key) => !jsonEqual(own(old.config, key), own(current.config, key)))
    .sort();
  if (changed.length === 0) return undefined;
  return {
    reasons: changed.map((key) => `${key} changed`),
    movesState: changed.some((key) => meaningOf(key).movesState),
  };
}

function meaningOf(field: string): BackendFieldMeaning {
  return Object.hasOwn(BACKEND_FIELDS, field) ? BACKEND_FIELDS[field] : OTHER_BACKEND_CHANGE;
}

function backendOf(
  document: SynthesizedDocument,
): { type: string; config: BlockConfig } | undefined {
  const terraform = document.terraform;
  if (!isJsonObject(terraform) || !isJsonObject(terraform.backend)) return undefined;
  const [entry] = Object.entries(terraform.backend);
  if (entry === undefined) return undefined;
  const [type, config] = entry;
  return { type, config: isJsonObject(config) ? (config as BlockConfig) : {} };
}

function own(config: BlockConfig, key: string): JsonValue | undefined {
  return Object.hasOwn(config, key) ? config[key] : undefined;
}
