/**
 * The vendored hashicorp/aws schema (`aws-provider-schema.json`, in the JSON form of
 * `terraform providers schema -json`), its cty types, and its tfplugin5 `Schema` messages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { CtyType } from "./cty";

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

export const SCHEMA_FILE = "aws-provider-schema.json";

export function readVendoredSchema(dir: string): VendoredSchema {
  return JSON.parse(fs.readFileSync(path.join(dir, SCHEMA_FILE), "utf8")) as VendoredSchema;
}

/** The object type a block's values have: its attributes plus its nested blocks. */
export function impliedType(block: BlockSchema): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    attributes[name] = attribute.type;
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const element = impliedType(nested.block);
    switch (nested.nesting_mode) {
      case "single":
      case "group":
        attributes[name] = element;
        break;
      case "list":
      case "set":
      case "map":
        attributes[name] = [nested.nesting_mode, element];
        break;
    }
  }
  return ["object", attributes];
}

const NESTING = { single: "SINGLE", group: "GROUP", list: "LIST", set: "SET", map: "MAP" };

/** A `tfplugin5.Schema` message (as a plain object for @grpc/proto-loader). */
export function schemaMessage(schema: TypeSchema): object {
  return { version: schema.version ?? 0, block: blockMessage(schema.block) };
}

function blockMessage(block: BlockSchema): object {
  return {
    attributes: Object.entries(block.attributes ?? {}).map(([name, attribute]) => ({
      name,
      type: Buffer.from(JSON.stringify(attribute.type)),
      description: attribute.description ?? "",
      required: attribute.required ?? false,
      optional: attribute.optional ?? false,
      computed: attribute.computed ?? false,
      sensitive: attribute.sensitive ?? false,
      deprecated: attribute.deprecated ?? false,
    })),
    block_types: Object.entries(block.block_types ?? {}).map(([name, nested]) => ({
      type_name: name,
      block: blockMessage(nested.block),
      nesting: NESTING[nested.nesting_mode],
      min_items: nested.min_items ?? 0,
      max_items: nested.max_items ?? 0,
    })),
    description: block.description ?? "",
    deprecated: block.deprecated ?? false,
  };
}
