import type { BlockConfig, JsonValue, SynthesizedDocument } from "./document";
import { jsonEqual } from "./json-equal";
import { isJsonObject } from "./json-object";

/**
 * Where the state lives: `terraform.backend.<type>` of a synthesized document. A change to it
 * (bucket, key, region, lock settings, or another backend type) changes no resource, but
 * `terraform init` refuses to plan until the state is migrated (`-migrate-state`) or the new
 * location is adopted as it is (`-reconfigure`), so a change guard must never call it
 * "no changes".
 */
export interface BackendDiff {
  /** One short reason each: `bucket changed`, `type changed (s3 → local)`. */
  readonly reasons: readonly string[];
}

/** How the backend changes from `before` to `after`, or undefined when it stays the same. */
export function backendDiff(
  before: SynthesizedDocument,
  after: SynthesizedDocument,
): BackendDiff | undefined {
  const [old, current] = [backendOf(before), backendOf(after)];
  if (old === undefined && current === undefined) return undefined;
  if (old === undefined) return { reasons: [`${current?.type} backend added`] };
  if (current === undefined) return { reasons: [`${old.type} backend removed`] };
  if (old.type !== current.type) {
    return { reasons: [`type changed (${old.type} → ${current.type})`] };
  }
  const keys = new Set([...Object.keys(old.config), ...Object.keys(current.config)]);
  const reasons = [...keys]
    .filter((key) => !jsonEqual(own(old.config, key), own(current.config, key)))
    .sort()
    .map((key) => `${key} changed`);
  return reasons.length === 0 ? undefined : { reasons };
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
