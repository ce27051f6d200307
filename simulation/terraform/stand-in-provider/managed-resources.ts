/**
 * What the stand-in does with managed resources: plans (computed attributes unknown for a new
 * object, `RequiresReplace` from the project's force-new table) and applies (deterministic fake
 * ids, ARNs and generated names), recording every create, update and delete.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { JsonValue } from "../../../change-set/document";
import { recomputedOnUpdate, replacementVerdict } from "../../../change-set/replacement-rules";
import {
  UNKNOWN,
  isObject,
  isUnknown,
  valuesEqual,
  type CtyType,
  type ObjectValue,
  type Value,
} from "./cty";
import type { BlockSchema } from "./schema";

export const ACCOUNT_ID = "123456789012";

/** What the provider block configured, as the real provider would use it. */
export interface ProviderSettings {
  readonly region: string;
  readonly defaultTags: Readonly<Record<string, string>>;
}

/** One line of the apply log. */
export interface ApplyLogEntry {
  readonly action: "create" | "update" | "delete";
  readonly type: string;
  readonly id: string;
}

export interface PlannedChange {
  readonly planned: Value;
  /** Top-level attributes whose change forces a new object. */
  readonly requiresReplace: readonly string[];
}

/**
 * Plans one resource instance as the SDK does: a new object gets unknown values for computed
 * attributes it was not given; an existing one keeps the proposed state (prior computed values
 * included), and a changed argument that forces a new object is reported for replacement.
 */
export function planChange(
  type: string,
  block: BlockSchema,
  prior: Value,
  proposed: Value,
  settings: ProviderSettings,
): PlannedChange {
  if (proposed === null || !isObject(proposed)) return { planned: null, requiresReplace: [] };
  if (prior === null || !isObject(prior)) {
    const planned = withProviderDefaults(markComputedUnknown(proposed, block), settings);
    return { planned, requiresReplace: [] };
  }
  const planned = withNewComputed(
    type,
    prior,
    withProviderDefaults(proposed, settings) as ObjectValue,
  );
  const differs = (attribute: string) => !valuesEqual(prior[attribute], planned[attribute]);
  // As the SDK does (and the real provider's plans show): with no difference but the timeouts,
  // the planned state is the prior state, so Terraform plans nothing.
  if (
    Object.keys(planned)
      .filter(differs)
      .every((attribute) => attribute === "timeouts")
  ) {
    return { planned: prior, requiresReplace: [] };
  }
  const requiresReplace = Object.keys(planned)
    .filter((attribute) => attribute !== "id" && differs(attribute))
    .filter(
      (attribute) =>
        replacementVerdict(type, attribute, json(prior[attribute]), json(planned[attribute])) !==
        "in-place",
    );
  return { planned, requiresReplace };
}

type NewComputed = (changed: (attribute: string) => boolean, planned: ObjectValue) => string[];

// lambda/function.go, needsFunctionCodeUpdate.
const LAMBDA_CODE = [
  "filename",
  "source_code_hash",
  "s3_bucket",
  "s3_key",
  "s3_object_version",
  "image_uri",
  "architectures",
];

/**
 * Computed attributes a provider's CustomizeDiff marks unknown in an update (`SetNewComputed`):
 * the rest keep their prior values.
 */
const NEW_COMPUTED_ON_UPDATE: Readonly<Record<string, NewComputed>> = {
  // lambda/function.go, updateComputedAttributesOnPublish: new code means a new last_modified;
  // a published function also gets a new version for any change.
  aws_lambda_function: (changed, planned) => {
    const code = LAMBDA_CODE.some(changed);
    const published = planned.publish === true;
    const versioned = ["version", "qualified_arn", "qualified_invoke_arn"];
    return [...(code ? ["last_modified"] : []), ...(published ? versioned : [])];
  },
  // ec2/ec2_launch_template.go: a new version for any change of what instances launch with.
  aws_launch_template: (changed, planned) => [
    ...recomputedOnUpdate("aws_launch_template", Object.keys(planned).filter(changed)),
  ],
};

function withNewComputed(type: string, prior: ObjectValue, planned: ObjectValue): ObjectValue {
  const rule = NEW_COMPUTED_ON_UPDATE[type];
  if (rule === undefined) return planned;
  const changed = (attribute: string) => !valuesEqual(prior[attribute], planned[attribute]);
  if (!Object.keys(planned).some(changed)) return planned;
  const result = { ...planned };
  for (const attribute of rule(changed, planned)) result[attribute] = UNKNOWN;
  return result;
}

function markComputedUnknown(value: Value, block: BlockSchema): Value {
  if (!isObject(value)) return value;
  const result = { ...value };
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    if (attribute.computed && result[name] === null) result[name] = UNKNOWN;
  }
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    const inner = result[name];
    if (Array.isArray(inner))
      result[name] = inner.map((item) => markComputedUnknown(item, nested.block));
    else if (
      isObject(inner) &&
      (nested.nesting_mode === "single" || nested.nesting_mode === "group")
    ) {
      result[name] = markComputedUnknown(inner, nested.block);
    }
  }
  return result;
}

/**
 * `region` and `tags_all` are known at plan time: the provider fills them from its own block
 * (`tags_all` is the provider's default tags merged with the resource's, on every plan).
 */
function withProviderDefaults(value: Value, settings: ProviderSettings): Value {
  if (!isObject(value)) return value;
  const result = { ...value };
  if (isUnknown(result.region)) result.region = settings.region;
  if ("tags_all" in result && !isUnknown(result.tags)) {
    const tags = isObject(result.tags) ? result.tags : {};
    result.tags_all = { ...settings.defaultTags, ...tags };
  }
  return result;
}

/**
 * The new object after an apply: every value still unknown in the plan gets a fake, derived
 * only from the object's known values and from how many objects were created from the same
 * values before (`generation`), so a run gives the same ids every time, and a replacement
 * with unchanged arguments (a `replace_triggered_by`) still gets a new generated name.
 */
export function applyChange(
  type: string,
  objectType: CtyType,
  planned: Value,
  settings: ProviderSettings,
  generation: (digest: string) => number = () => 0,
): Value {
  if (!isObject(planned)) return planned;
  const values = digest(type, planned);
  const seed = digest(type, `${values}#${generation(values)}`);
  const result = { ...planned };
  if (isUnknown(result.name) && typeof result.name_prefix === "string") {
    result.name = `${result.name_prefix}${generatedSuffix(seed)}`;
  }
  if (isUnknown(result.statement_id) && typeof result.statement_id_prefix === "string") {
    result.statement_id = `${result.statement_id_prefix}${generatedSuffix(seed)}`;
  }
  const label = nameOf(result) ?? seed.slice(0, 17);
  if (isUnknown(result.arn)) result.arn = arnOf(type, label, settings);
  if (isUnknown(result.id)) result.id = idOf(result, label);
  return fillUnknown(result, objectType, seed, "");
}

/** Names an object by the argument that names it, whatever the resource type calls it. */
function nameOf(value: Record<string, Value>): string | undefined {
  for (const key of ["name", "statement_id", "alarm_name", "function_name", "role"]) {
    if (typeof value[key] === "string") return value[key] as string;
  }
  return undefined;
}

/** The name an object was given, or for one without, its ARN. */
function idOf(value: Record<string, Value>, label: string): string {
  return nameOf(value) ?? (typeof value.arn === "string" ? value.arn : label);
}

// Types whose ARNs are not in the service their name starts with.
const ARN_SERVICES: readonly (readonly [string, string])[] = [
  ["aws_launch_configuration", "autoscaling"],
  ["aws_cloudwatch_log_", "logs"],
];

/** `arn:aws:<service>:<region>:<account>:<kind>/<name>`; IAM ARNs have no region. */
function arnOf(type: string, label: string, settings: ProviderSettings): string {
  const bare = type.replace(/^aws_/, "");
  const service =
    ARN_SERVICES.find(([prefix]) => type.startsWith(prefix))?.[1] ?? bare.split("_")[0];
  const kind = bare.startsWith(`${service}_`) ? bare.slice(service.length + 1) : bare;
  const region = service === "iam" ? "" : settings.region;
  return `arn:aws:${service}:${region}:${ACCOUNT_ID}:${kind.replace(/_/g, "-")}/${label}`;
}

/** Like the provider's id.PrefixedUniqueId: 26 digits after the prefix. */
function generatedSuffix(seed: string): string {
  return BigInt(`0x${seed.slice(0, 24)}`)
    .toString()
    .padStart(26, "0")
    .slice(-26);
}

function fillUnknown(value: Value, type: CtyType, seed: string, path: string): Value {
  if (isUnknown(value)) return fakeOf(type, seed, path);
  if (value === null || typeof type === "string") return value;
  const [kind, element] = type;
  if ((kind === "list" || kind === "set") && Array.isArray(value)) {
    return value.map((item, index) =>
      fillUnknown(item, element as CtyType, seed, `${path}.${index}`),
    );
  }
  if (kind === "map" && isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        fillUnknown(v, element as CtyType, seed, `${path}.${k}`),
      ]),
    );
  }
  if (kind === "object" && isObject(value)) {
    const attributes = element as Record<string, CtyType>;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        attributes[k] === undefined ? v : fillUnknown(v, attributes[k], seed, `${path}.${k}`),
      ]),
    );
  }
  return value;
}

function fakeOf(type: CtyType, seed: string, path: string): Value {
  if (type === "string") return `stand-in-${path.slice(1).replace(/\./g, "-")}-${seed.slice(0, 8)}`;
  if (type === "number") return 0;
  if (type === "bool") return false;
  if (type === "dynamic") return null;
  if (type[0] === "map" || type[0] === "object") return type[0] === "map" ? {} : null;
  return [];
}

function digest(type: string, value: Value): string {
  return createHash("sha256")
    .update(type)
    .update(JSON.stringify(value, (_key, v) => (isUnknown(v) ? "(unknown)" : v)))
    .digest("hex");
}

/** The value as JSON, for the force-new conditions (unknown is "set" there). */
function json(value: Value | undefined): JsonValue | undefined {
  if (value === undefined) return undefined;
  if (isUnknown(value)) return "(known after apply)";
  if (Array.isArray(value)) return value.map((item) => json(item) ?? null);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v) ?? null]));
  }
  return value;
}

/** The object's id for the log: its `id` (or, for one without, the name it was given). */
export function logId(value: Value): string {
  if (!isObject(value)) return "";
  if (typeof value.id === "string") return value.id;
  return nameOf(value) ?? "";
}

/**
 * Counts, per digest of created values, the objects created so far in one working directory
 * (a file beside the apply log), for `applyChange`'s generation.
 */
export function generationCounter(file: string | undefined): (digest: string) => number {
  return (created) => {
    if (file === undefined) return 0;
    const earlier = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
    fs.appendFileSync(file, `${created}\n`);
    return earlier.filter((line) => line === created).length;
  };
}

/** Appends to the apply log, one JSON line per call in the order Terraform made them. */
export function appendLog(file: string | undefined, entry: ApplyLogEntry): void {
  if (file === undefined) return;
  fs.appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

export function readLog(file: string): ApplyLogEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as ApplyLogEntry);
}
