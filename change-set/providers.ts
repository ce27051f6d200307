import type { BlockConfig, JsonValue, SynthesizedDocument } from "./document";
import { isJsonObject } from "./json-object";
import { jsonEqual } from "./json-equal";
import aws from "./provider-schema/aws.json";

/**
 * What a change to a provider configuration does to the resources it manages. Terraform never
 * lists provider changes in a plan; it shows their effect on each resource instead, and so does
 * the prediction. Only the AWS provider's effects are known (from its schema, vendored in
 * change-set/provider-schema/aws.json):
 * - `region`: every regional resource (one with a `region` argument) is replaced, since its
 *   `region` forces a new object; regional data sources are re-read.
 * - `default_tags`, `ignore_tags`: every resource with `tags_all` is updated in place.
 * An AWS type missing from the vendored schema is assumed to have both (a guard should rather
 * over-warn); the test suite fails when the stacks use such a type.
 */

/** `provider.aws` or `provider.aws.<alias>`. */
export type ProviderAddress = string;

/** An attribute of a block that changes because its provider's configuration changes. */
export interface InheritedChange {
  readonly attribute: string;
  readonly reason: string;
}

// Arguments whose effect on resources is known; any other change is reported as not predicted.
const PREDICTED = new Set(["region", "default_tags", "ignore_tags"]);
const IGNORED = new Set(["//", "alias"]);

const AWS = {
  resources: new Set(aws.resources),
  tagsAll: new Set(aws.tagsAll),
  regionalResources: new Set(aws.regionalResources),
  dataSources: new Set(aws.dataSources),
  regionalDataSources: new Set(aws.regionalDataSources),
};

/** Every provider configuration of a document, by address. */
export function providersOf(document: SynthesizedDocument): Map<ProviderAddress, BlockConfig> {
  const providers = new Map<ProviderAddress, BlockConfig>();
  const section = document.provider;
  if (typeof section !== "object" || section === null) return providers;
  for (const [name, value] of Object.entries(section)) {
    // Terraform JSON allows one configuration as an object or several as a list.
    const configs = (Array.isArray(value) ? value : [value]) as unknown[];
    for (const config of configs) {
      if (typeof config !== "object" || config === null || Array.isArray(config)) continue;
      const alias = (config as BlockConfig).alias;
      const address = typeof alias === "string" ? `provider.${name}.${alias}` : `provider.${name}`;
      providers.set(address, config as BlockConfig);
    }
  }
  return providers;
}

/**
 * The provider configuration a block uses: its `provider` meta-argument (`aws.west`), else the
 * default configuration of the provider its type belongs to (`aws_instance` → `aws`).
 */
export function providerAddressOf(type: string, config: BlockConfig): ProviderAddress {
  const meta = config.provider;
  if (typeof meta === "string") return `provider.${meta.replace(/^\$\{(.*)\}$/, "$1")}`;
  return `provider.${type.split("_")[0]}`;
}

/** The top-level arguments that differ between two configurations of a provider. */
export function changedArguments(
  before: BlockConfig | undefined,
  after: BlockConfig | undefined,
): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...keys]
    .filter((key) => !IGNORED.has(key) && !jsonEqual(own(before, key), own(after, key)))
    .sort();
}

/** One line's worth of reasons for a changed provider configuration. */
export function providerReasons(
  before: BlockConfig | undefined,
  after: BlockConfig | undefined,
): string[] {
  if (before === undefined) return ["added"];
  if (after === undefined) return ["removed"];
  return changedArguments(before, after).map((argument) =>
    PREDICTED.has(argument)
      ? `${argument} changed`
      : `${argument} changed (effect on resources not predicted)`,
  );
}

/**
 * The attributes of one block that change with its provider's configuration, from `before`
 * (the configuration it used) to `after` (the one it uses now). Empty for providers other than
 * AWS, whose effects are not known.
 */
export function inheritedChanges(
  kind: "resource" | "data",
  type: string,
  config: BlockConfig,
  before: BlockConfig | undefined,
  after: BlockConfig | undefined,
  providerAddress: ProviderAddress,
): InheritedChange[] {
  if (!type.startsWith("aws_")) return [];
  const changed = new Set(changedArguments(before, after));
  const known = kind === "resource" ? AWS.resources.has(type) : AWS.dataSources.has(type);
  const assumed = known ? "" : ` (assumed: ${type} is not in the vendored provider schema)`;
  const regional =
    kind === "resource" ? AWS.regionalResources.has(type) : AWS.regionalDataSources.has(type);
  const changes: InheritedChange[] = [];
  // A block that sets its own region does not follow the provider's.
  if (changed.has("region") && (regional || !known) && !isSet(own(config, "region"))) {
    const from = describe(own(before, "region"));
    const to = describe(own(after, "region"));
    changes.push({
      attribute: "region",
      reason: `region changes with ${providerAddress} (${from} → ${to})${assumed}`,
    });
  }
  const tagged = kind === "resource" && (AWS.tagsAll.has(type) || !known);
  const tagSettings = ["default_tags", "ignore_tags"].filter((argument) => changed.has(argument));
  if (tagged && tagSettings.length > 0) {
    changes.push({
      attribute: "tags_all",
      reason: `tags_all changes with ${providerAddress} ${tagSettings.join(" and ")}${assumed}`,
    });
  }
  return changes;
}

function own(config: BlockConfig | undefined, key: string): JsonValue | undefined {
  return config !== undefined && Object.hasOwn(config, key) ? config[key] : undefined;
}

function isSet(value: JsonValue | undefined): boolean {
  return value !== undefined && value !== null;
}

function describe(value: JsonValue | undefined): string {
  return typeof value === "string" ? value : isSet(value) ? JSON.stringify(value) : "unset";
}

/**
 * For an object an import brings in: `tags_all` as the provider will compute it (its
 * `default_tags` under the block's own `tags`) against what the object has now. An object
 * created outside this configuration rarely carries its default tags, so the first plan updates
 * it in place.
 */
export function importedTagChanges(
  type: string,
  config: BlockConfig,
  state: Readonly<Record<string, unknown>>,
  provider: BlockConfig | undefined,
  providerAddress: ProviderAddress,
): InheritedChange[] {
  if (!AWS.tagsAll.has(type)) return [];
  const defaults = own(provider, "default_tags");
  const first = Array.isArray(defaults) ? defaults[0] : defaults;
  const defaultTags =
    first && typeof first === "object" && !Array.isArray(first)
      ? own(first as BlockConfig, "tags")
      : undefined;
  const ownTags = own(config, "tags");
  const expected = {
    ...(isJsonObject<JsonValue>(defaultTags) ? defaultTags : {}),
    ...(isJsonObject<JsonValue>(ownTags) ? ownTags : {}),
  };
  const actual = state.tags_all ?? {};
  if (jsonEqual(expected, actual as JsonValue)) return [];
  return [{ attribute: "tags_all", reason: `tags_all takes ${providerAddress} default_tags` }];
}
