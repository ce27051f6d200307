import { createHash } from "node:crypto";
/**
 * A prior state in which a configuration plans as no-op with the real provider: the real
 * provider cannot apply offline, so the state is written by hand. Each round plans, takes every
 * resource's planned values, gives each value known only after apply a fixed stand-in (an ARN
 * for an ARN, the prefix plus a generated suffix for a `name` with `name_prefix`), and writes
 * them as the state; data sources are then read with the new values and their dependents plan
 * again, until Terraform plans nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { SynthesizedDocument } from "../../../change-set/document";
import type { PlannedResourceChange, TerraformWorkspace } from "../harness";
import { FAKE_ACCOUNT_ID } from "./convert";
import { stateOrdering } from "./dependencies";

/** A cty type as `terraform providers schema -json` writes it. */
type CtyType = string | [string, unknown];

interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, { readonly type?: CtyType }>>;
  readonly block_types?: Readonly<
    Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>
  >;
}

/** Resource schemas (with their state version) of every provider the workspace installed. */
export interface ResourceSchemas {
  readonly [type: string]: { readonly version: number; readonly block: SchemaBlock };
}

export async function resourceSchemas(workspace: TerraformWorkspace): Promise<ResourceSchemas> {
  const shown = JSON.parse(await workspace.mustRun("providers", "schema", "-json")) as {
    provider_schemas: Record<string, { resource_schemas?: ResourceSchemas }>;
  };
  return Object.assign({}, ...Object.values(shown.provider_schemas).map((p) => p.resource_schemas));
}

/** One managed resource of a state: where it is, which provider manages it, its values. */
export interface StateResource {
  readonly type: string;
  readonly name: string;
  /** The provider configuration's alias, if any (`s3` for `aws.s3`). */
  readonly alias?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** The managed resources it depends on (`stateOrdering`), which order its destruction. */
  readonly dependencies: readonly string[];
  readonly createBeforeDestroy: boolean;
}

/** The rounds it may take: each settles one more layer of references through data sources. */
const MAX_ROUNDS = 8;

/**
 * Plans the workspace's configuration (already written and initialized) until it is a no-op,
 * starting from `initial`; returns the state it ends with (the workspace keeps it as well).
 */
export async function noOpState(
  workspace: TerraformWorkspace,
  document: SynthesizedDocument,
  schemas: ResourceSchemas,
  initial: ReadonlyMap<string, StateResource> = new Map(),
): Promise<Map<string, StateResource>> {
  const state = new Map(initial);
  const ordering = stateOrdering(document);
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    writeState(workspace.dir, state, schemas);
    const plan = await workspace.plan("-refresh=false");
    const pending = (plan.resource_changes ?? []).filter(
      (change) => change.mode === "managed" && change.change.actions.join() !== "no-op",
    );
    if (process.env.DEBUG_ROUNDS)
      console.error(`round ${round}: ${pending.length} pending`, new Date().toISOString());
    if (pending.length === 0) return state;
    for (const change of pending) {
      if (change.change.after === null) state.delete(change.address);
      else
        state.set(change.address, {
          ...settled(change, schemas, aliasOf(document, change.address)),
          ...(ordering.get(change.address) ?? { dependencies: [], createBeforeDestroy: false }),
        });
    }
  }
  throw new Error(`no no-op state after ${MAX_ROUNDS} plans`);
}

/** Writes `terraform.tfstate` (format 4) holding `resources`. */
export function writeState(
  dir: string,
  resources: ReadonlyMap<string, StateResource>,
  schemas: ResourceSchemas,
): void {
  const state = {
    version: 4,
    terraform_version: "1.5.0",
    serial: 1,
    lineage: "real-provider-harness",
    outputs: {},
    resources: [...resources.values()].map((resource) => ({
      mode: "managed",
      type: resource.type,
      name: resource.name,
      provider: providerOf(resource),
      instances: [
        {
          schema_version: schemas[resource.type]?.version ?? 0,
          attributes: resource.attributes,
          sensitive_attributes: [],
          dependencies: resource.dependencies,
          ...(resource.createBeforeDestroy ? { create_before_destroy: true } : {}),
        },
      ],
    })),
  };
  fs.writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state));
}

function providerOf(resource: StateResource): string {
  if (resource.type === "terraform_data") return 'provider["terraform.io/builtin/terraform"]';
  const alias = resource.alias === undefined ? "" : `.${resource.alias}`;
  return `provider["registry.terraform.io/hashicorp/aws"]${alias}`;
}

/** The planned values of a resource with every unknown one given its stand-in. */
function settled(
  change: PlannedResourceChange,
  schemas: ResourceSchemas,
  alias: string | undefined,
): Omit<StateResource, "dependencies" | "createBeforeDestroy"> {
  const [type, name] = addressParts(change.address);
  const block = schemas[type]?.block ?? {};
  const after = change.change.after as Record<string, unknown>;
  const context: FillContext = { type, name, values: after };
  const attributes = fillBlock(after, change.change.after_unknown, block, context);
  return { type, name, ...(alias === undefined ? {} : { alias }), attributes };
}

/** The alias of the provider configuration a resource names (`aws.s3` → `s3`), if any. */
export function aliasOf(document: SynthesizedDocument, address: string): string | undefined {
  const [type, name] = addressParts(address);
  const provider = document.resource?.[type]?.[name]?.provider;
  return typeof provider === "string" ? provider.split(".")[1] : undefined;
}

function addressParts(address: string): [string, string] {
  const [type, name] = address.split(".");
  return [type, name];
}

interface FillContext {
  readonly type: string;
  readonly name: string;
  /** The resource's own top-level planned values (for `name` from `name_prefix`). */
  readonly values: Readonly<Record<string, unknown>>;
}

function fillBlock(
  value: unknown,
  unknown: unknown,
  block: SchemaBlock,
  context: FillContext,
): Record<string, unknown> {
  const known = (value ?? {}) as Record<string, unknown>;
  const unknowns = (typeof unknown === "object" && unknown !== null ? unknown : {}) as Record<
    string,
    unknown
  >;
  const filled: Record<string, unknown> = { ...known };
  for (const [attribute, { type }] of Object.entries(block.attributes ?? {})) {
    const value = fillValue(known[attribute], unknowns[attribute], type, attribute, context);
    // The state spells a dynamically-typed value with its type.
    filled[attribute] =
      type === "dynamic" && value !== null && value !== undefined
        ? { value, type: impliedType(value) }
        : value;
  }
  for (const [nested, { nesting_mode, block: inner }] of Object.entries(block.block_types ?? {})) {
    const items = known[nested];
    if (nesting_mode === "single" || nesting_mode === "group") {
      if (items !== null && items !== undefined) {
        filled[nested] = fillBlock(items, unknowns[nested], inner, context);
      }
    } else if (Array.isArray(items)) {
      const itemUnknowns = Array.isArray(unknowns[nested]) ? (unknowns[nested] as unknown[]) : [];
      filled[nested] = items.map((item, i) => {
        const block = fillBlock(item, itemUnknowns[i], inner, context);
        return STORES_EMPTY_STRINGS.has(context.type) ? emptyUnsetStrings(block, inner) : block;
      });
    }
  }
  return filled;
}

/**
 * Resource types whose provider code (the legacy plugin SDK) stores an unset string inside a
 * nested block as "" after an apply, although its plan of a new object shows null: a state made
 * from the plan must do the same, or every later update of the object would show null -> ""
 * changes no real plan shows.
 */
const STORES_EMPTY_STRINGS: ReadonlySet<string> = new Set(["aws_launch_template"]);

function emptyUnsetStrings(
  block: Record<string, unknown>,
  schema: SchemaBlock,
): Record<string, unknown> {
  const strings = Object.entries(schema.attributes ?? {})
    .filter(([attribute, { type }]) => type === "string" && block[attribute] === null)
    .map(([attribute]) => [attribute, ""]);
  return { ...block, ...Object.fromEntries(strings) };
}

function fillValue(
  value: unknown,
  unknown: unknown,
  type: CtyType | undefined,
  attribute: string,
  context: FillContext,
): unknown {
  if (unknown === true) return standIn(type, attribute, context);
  if (type === undefined || typeof type === "string" || unknown === undefined) return value;
  const [kind, inner] = type;
  if ((kind === "list" || kind === "set") && Array.isArray(value) && Array.isArray(unknown)) {
    return value.map((item, i) =>
      fillValue(item, unknown[i], inner as CtyType, attribute, context),
    );
  }
  if (kind === "map" && isObject(value) && isObject(unknown)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        fillValue(v, unknown[k], inner as CtyType, attribute, context),
      ]),
    );
  }
  if (kind === "object" && isObject(value) && isObject(unknown)) {
    const fields = inner as Record<string, CtyType>;
    return Object.fromEntries(
      Object.entries(fields).map(([k, t]) => [k, fillValue(value[k], unknown[k], t, k, context)]),
    );
  }
  return value;
}

/** The AWS service in the ARNs of a resource type, where it is not the type's second word. */
const ARN_SERVICE: Readonly<Record<string, string>> = {
  aws_launch_configuration: "autoscaling",
  aws_cloudwatch_log_group: "logs",
};

/** A fixed value of the attribute's type, shaped to pass the provider's validation. */
function standIn(
  type: CtyType | undefined,
  attribute: string,
  { type: resourceType, name, values }: FillContext,
): unknown {
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (Array.isArray(type)) {
    const [kind, inner] = type;
    if (kind === "object") {
      const fields = inner as Record<string, CtyType>;
      return Object.fromEntries(
        Object.entries(fields).map(([k, t]) => [
          k,
          standIn(t, k, { type: resourceType, name, values }),
        ]),
      );
    }
    return kind === "map" ? {} : [];
  }
  if (attribute === "arn" || attribute.endsWith("_arn")) {
    const service = ARN_SERVICE[resourceType] ?? resourceType.split("_")[1];
    const region = service === "iam" ? "" : "us-east-1";
    return `arn:aws:${service}:${region}:${FAKE_ACCOUNT_ID}:${resourceType}/${name}`;
  }
  if (attribute === "name" && typeof values.name_prefix === "string") {
    return `${values.name_prefix}20261205000000000000000001`;
  }
  // Without an id the provider takes the object for gone; any other unknown string is left
  // unset, as a computed setting the configuration does not name (a made-up value could
  // contradict the provider's own checks, e.g. a FIFO setting on a standard topic).
  if (attribute !== "id") return null;
  return ID_SHAPES[resourceType]?.(name) ?? `${resourceType}.${name}`;
}

/**
 * Ids whose shape the provider checks where another resource names them (an ASG's
 * `launch_template.id` must be `lt-` and alphanumerics), made up from the resource's name.
 */
const ID_SHAPES: Readonly<Record<string, (name: string) => string>> = {
  aws_launch_template: (name) =>
    `lt-${createHash("sha256").update(name).digest("hex").slice(0, 17)}`,
};

/** The cty type Terraform infers for a JSON value (objects as objects, lists as tuples). */
function impliedType(value: unknown): unknown {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(impliedType)];
  if (isObject(value)) {
    return [
      "object",
      Object.fromEntries(Object.entries(value).map(([k, v]) => [k, impliedType(v)])),
    ];
  }
  return "dynamic";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
