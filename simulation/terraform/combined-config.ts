/**
 * Many small change scenarios planned in one Terraform run: each scenario's blocks are renamed
 * with its own prefix (references rewritten to match) and merged into one configuration, so one
 * init, apply and plan cover them all. Required provider arguments a scenario leaves out are
 * added, the same on both sides, so Terraform accepts the blocks without changing the diff.
 */
import type { BlockConfig, JsonValue, SynthesizedDocument } from "../../change-set/change-set";
import { codeMask } from "../../change-set/references";
import type { CtyType, VendoredSchema } from "./provider-schema/schema";

type Blocks = Record<string, Record<string, BlockConfig>>;

/** The scenario's prefix for block names: `s<index>_`. */
export function prefixOf(index: number): string {
  return `s${index}_`;
}

/**
 * The document with every block renamed `<prefix><name>` and every reference to it rewritten;
 * only expression code changes, so plain text that mentions an address stays as it was.
 */
export function renamed(document: SynthesizedDocument, prefix: string): SynthesizedDocument {
  const replacements = new Map<string, string>();
  for (const [section, addressPrefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, byName] of Object.entries(document[section] ?? {})) {
      for (const name of Object.keys(byName)) {
        replacements.set(
          `${addressPrefix}${type}.${name}`,
          `${addressPrefix}${type}.${prefix}${name}`,
        );
      }
    }
  }
  // Not part of a longer traversal: no `data.` before a managed address, no longer name.
  const alternatives = [...replacements.keys()].map(escape).join("|");
  const pattern =
    replacements.size === 0
      ? undefined
      : new RegExp(`(?<![\\w.-])(?:${alternatives})(?![\\w-])`, "g");
  const renameIn = (value: JsonValue, bare: boolean): JsonValue => {
    if (typeof value === "string") {
      if (pattern === undefined) return value;
      // Only expression code changes, so plain text that mentions an address stays as it was.
      const mask = bare ? undefined : codeMask(value);
      return value.replace(pattern, (match: string, offset: number) =>
        bare || mask?.[offset] ? (replacements.get(match) as string) : match,
      );
    }
    if (Array.isArray(value)) return value.map((item) => renameIn(item, bare));
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, renameIn(item, bare || BARE.has(key))]),
      );
    }
    return value;
  };
  const rename = (blocks: Blocks): Blocks =>
    Object.fromEntries(
      Object.entries(blocks).map(([type, byName]) => [
        type,
        Object.fromEntries(
          Object.entries(byName).map(([name, config]) => [
            `${prefix}${name}`,
            renameIn(config, false) as BlockConfig,
          ]),
        ),
      ]),
    );
  return {
    resource: rename((document.resource ?? {}) as Blocks),
    data: rename((document.data ?? {}) as Blocks),
  };
}

/** Meta-arguments whose strings are references as a whole, without `${...}`. */
const BARE = new Set(["depends_on", "replace_triggered_by"]);

/** Adds each required argument that neither side sets, with the same placeholder on both. */
export function completeRequired(
  pair: readonly [SynthesizedDocument, SynthesizedDocument],
  schema: VendoredSchema,
): [SynthesizedDocument, SynthesizedDocument] {
  const [before, after] = pair.map((document) => structuredClone(document.resource ?? {})) as [
    Blocks,
    Blocks,
  ];
  const blocks = (resources: Blocks) =>
    Object.entries(resources).flatMap(([type, byName]) =>
      Object.keys(byName).map((name) => [type, name] as const),
    );
  for (const [type, name] of [...blocks(before), ...blocks(after)]) {
    const sides = [before[type]?.[name], after[type]?.[name]].filter((c) => c !== undefined);
    for (const [attribute, definition] of Object.entries(
      schema.resource[type]?.block.attributes ?? {},
    )) {
      if (!definition.required || sides.some((config) => attribute in config)) continue;
      for (const config of sides) {
        (config as Record<string, JsonValue>)[attribute] = placeholder(definition.type);
      }
    }
  }
  return [
    { ...pair[0], resource: before },
    { ...pair[1], resource: after },
  ];
}

function placeholder(type: CtyType): JsonValue {
  if (type === "number") return 1;
  if (type === "bool") return false;
  if (type === "string" || type === "dynamic") return "stand-in";
  return type[0] === "map" || type[0] === "object" ? {} : ["stand-in"];
}

/** One configuration holding every document's blocks, with the AWS provider pinned. */
export function merged(
  documents: readonly SynthesizedDocument[],
  awsVersion: string,
): SynthesizedDocument {
  const resource: Blocks = {};
  const data: Blocks = {};
  for (const document of documents) {
    for (const [section, into] of [
      ["resource", resource],
      ["data", data],
    ] as const) {
      for (const [type, byName] of Object.entries(document[section] ?? {})) {
        into[type] = { ...into[type], ...byName };
      }
    }
  }
  return {
    terraform: { required_providers: { aws: { source: "aws", version: awsVersion } } },
    provider: { aws: [{ region: "us-east-1" }] },
    resource,
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
