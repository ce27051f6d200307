/**
 * The vendored schema of the hashicorp/aws version the stacks pin (`aws-provider-schema.json`,
 * the JSON form of `terraform providers schema -json` for the types the stacks use; regenerate
 * it with `npm run tf:vendor-schema`), and the check of a synthesized stack against it: the
 * real provider on the machines is an older major version, so it cannot say whether the stacks
 * are valid for the pinned one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BlockConfig, JsonValue, SynthesizedDocument } from "../../../change-set/document";

/** A cty type as `terraform providers schema -json` writes it. */
export type CtyType = string | [string, CtyType | Record<string, CtyType>] | [string, CtyType[]];

export interface AttributeSchema {
  readonly type: CtyType;
  readonly description?: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
}

export type NestingMode = "single" | "group" | "list" | "set" | "map";

export interface BlockTypeSchema {
  readonly nesting_mode: NestingMode;
  readonly block: BlockSchema;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface BlockSchema {
  readonly attributes?: { readonly [name: string]: AttributeSchema };
  readonly block_types?: { readonly [name: string]: BlockTypeSchema };
  readonly description?: string;
  readonly deprecated?: boolean;
}

export interface TypeSchema {
  readonly version?: number;
  readonly block: BlockSchema;
}

export interface VendoredSchema {
  readonly provider_version: string;
  readonly source: string;
  readonly provider: TypeSchema;
  readonly resource: { readonly [type: string]: TypeSchema };
  readonly data: { readonly [type: string]: TypeSchema };
}

export const SCHEMA_FILE = path.join(__dirname, "aws-provider-schema.json");

export function readVendoredSchema(): VendoredSchema {
  return JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as VendoredSchema;
}

/**
 * What in the document the schema does not allow, one line each: an unknown resource or data
 * type, block or attribute, a computed-only attribute set, a required one missing, or a nested
 * block repeated beyond its `max_items`. Meta-arguments (`provider`, `lifecycle`, `depends_on`,
 * `count`, `for_each`) are Terraform's, not the schema's.
 */
export function schemaProblems(document: SynthesizedDocument, schema: VendoredSchema): string[] {
  const problems: string[] = [];
  for (const [section, types] of [
    ["resource", schema.resource],
    ["data", schema.data],
  ] as const) {
    for (const [type, byName] of Object.entries(document[section] ?? {})) {
      if (!type.startsWith("aws_")) continue;
      const typeSchema = types[type];
      const prefix = section === "data" ? "data." : "";
      for (const [name, config] of Object.entries(byName)) {
        const address = `${prefix}${type}.${name}`;
        if (typeSchema === undefined) problems.push(`${address}: no ${section} type ${type}`);
        else problems.push(...blockProblems(address, config, typeSchema.block, true));
      }
    }
  }
  return problems;
}

const META_ARGUMENTS = new Set(["provider", "lifecycle", "depends_on", "count", "for_each"]);

function blockProblems(
  path: string,
  config: BlockConfig,
  block: BlockSchema,
  topLevel: boolean,
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (topLevel && META_ARGUMENTS.has(key)) continue;
    const attribute = block.attributes?.[key];
    const nested = block.block_types?.[key];
    if (attribute !== undefined) {
      if (attribute.computed && !attribute.optional && !attribute.required)
        problems.push(`${path}.${key}: computed only, cannot be set`);
    } else if (nested !== undefined) {
      const items = (Array.isArray(value) ? value : [value]) as JsonValue[];
      if (nested.max_items !== undefined && nested.max_items > 0 && items.length > nested.max_items)
        problems.push(`${path}.${key}: ${items.length} blocks, at most ${nested.max_items}`);
      items.forEach((item, index) =>
        problems.push(
          ...blockProblems(`${path}.${key}[${index}]`, item as BlockConfig, nested.block, false),
        ),
      );
    } else {
      problems.push(`${path}.${key}: not in the schema`);
    }
  }
  for (const [key, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.required && !(key in config)) problems.push(`${path}.${key}: required, missing`);
  }
  return problems;
}
