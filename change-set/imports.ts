import type { BlockConfig, JsonValue, SynthesizedDocument } from "./document";
import { isJsonObject } from "./json-object";

/**
 * Arguments the AWS provider sets only when it creates an object and never reads back, so an
 * imported object has none in its state: configuring them is a difference on the first plan
 * (for `initial_lifecycle_hook`, a forced replacement). Read from the provider's resource code
 * (internal/service/autoscaling/group.go: the hooks are applied after CreateAutoScalingGroup and
 * not read by resourceGroupRead; the wait and delete settings are Terraform-side only).
 */
const CREATE_ONLY: Readonly<Record<string, readonly string[]>> = {
  aws_autoscaling_group: [
    "initial_lifecycle_hook",
    "wait_for_capacity_timeout",
    "wait_for_elb_capacity",
    "force_delete",
    "timeouts",
  ],
};

/** `to` → `id` of each `import` block of a synthesized document (Terraform ≥ 1.5). */
export function importsOf(document: SynthesizedDocument): Map<string, string> {
  const blocks = Array.isArray(document.import) ? document.import : [];
  const imports = new Map<string, string>();
  for (const block of blocks) {
    if (typeof block === "object" && block !== null && typeof block.to === "string") {
      imports.set(block.to, String(block.id));
    }
  }
  return imports;
}

/**
 * The object an import brings into the state, as the configuration of `type` would describe
 * it: the state's attributes restricted to those `config` sets (computed attributes the
 * configuration leaves out are not differences), nested blocks in the configuration's shape
 * (a state keeps a single block as a one-element list), create-only arguments absent.
 */
export function importedConfig(
  type: string,
  state: Readonly<Record<string, unknown>>,
  config: BlockConfig,
): BlockConfig {
  const createOnly = new Set(CREATE_ONLY[type] ?? []);
  const shaped: Record<string, JsonValue> = {};
  for (const [attribute, wanted] of Object.entries(config)) {
    if (createOnly.has(attribute) || !Object.hasOwn(state, attribute)) continue;
    shaped[attribute] = shapeLike(state[attribute] as JsonValue, wanted);
  }
  return shaped;
}

/**
 * `actual` (a state value) in the shape of `wanted` (a configured one). A state keeps a nested
 * block as a list of objects, of which only the keys the configuration sets compare (the rest
 * are defaults and computed values); an object in the state is a map (tags, dimensions) and
 * compares whole.
 */
function shapeLike(actual: JsonValue, wanted: JsonValue): JsonValue {
  if (!Array.isArray(actual)) return actual;
  if (isJsonObject<JsonValue>(wanted))
    return actual.length === 1 ? restrictBlock(actual[0], wanted) : actual;
  if (Array.isArray(wanted) && wanted.length === actual.length) {
    return actual.map((item, i) =>
      isJsonObject<JsonValue>(wanted[i]) ? restrictBlock(item, wanted[i]) : item,
    );
  }
  return actual;
}

function restrictBlock(
  actual: JsonValue,
  wanted: { readonly [key: string]: JsonValue },
): JsonValue {
  if (!isJsonObject<JsonValue>(actual)) return actual;
  return Object.fromEntries(
    Object.keys(wanted)
      .filter((key) => Object.hasOwn(actual, key))
      .map((key) => [key, shapeLike(actual[key], wanted[key])]),
  );
}
