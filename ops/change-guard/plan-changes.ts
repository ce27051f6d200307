import type { ChangeAction, ResourceChange } from "../../change-set/change-set";
import { jsonEqual } from "../../change-set/json-equal";
import { isJsonObject } from "../../change-set/json-object";
import type { JsonValue } from "../../change-set/document";

/**
 * A plan Terraform made (`terraform show -json PLAN`) as change-set entries, with reasons worded
 * as the prediction words them (`image_id changed`, `dimensions refers to replaced
 * aws_autoscaling_group.instances`), so the guard's verdict rules judge a real plan exactly as
 * they judge a predicted one. The plan's own decisions are taken as they are: which objects it
 * replaces and which attributes force that (`replace_paths`), which it updates, which data
 * sources it reads only at apply.
 */

/** The parts of Terraform's JSON plan format (format_version 1.x) the guard reads. */
export interface TerraformPlan {
  readonly format_version: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly configuration?: {
    readonly root_module?: ConfigModule;
    /** Each provider configuration's arguments (`aws`: its `region`, a constant). */
    readonly provider_config?: Readonly<
      Record<string, { readonly expressions?: Readonly<Record<string, unknown>> }>
    >;
  };
}

export interface PlanResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly module_address?: string;
  readonly action_reason?: string;
  readonly change: {
    readonly actions: readonly string[];
    readonly before?: unknown;
    readonly after?: unknown;
    readonly after_unknown?: unknown;
    readonly replace_paths?: readonly (readonly (string | number)[])[];
    readonly importing?: { readonly id?: string };
  };
}

interface ConfigModule {
  readonly resources?: readonly {
    readonly address: string;
    readonly expressions?: Readonly<Record<string, unknown>>;
  }[];
}

const READ_REASONS: Readonly<Record<string, string>> = {
  read_because_dependency_pending: "read during apply: a resource it refers to has changes pending",
  read_because_config_unknown: "read during apply: its configuration has values known only then",
  read_because_check_nested: "read during apply: a check block reads it",
};

/** The plan's entries in the change set's shape, sorted by address; no-ops left out. */
export function planChanges(plan: TerraformPlan): ResourceChange[] {
  const changes = plan.resource_changes ?? [];
  const actions = new Map(changes.map((c) => [c.address, actionOf(c.change.actions)]));
  const changedOf = new Map(changes.map((c) => [c.address, new Set(changedAttributes(c))]));
  const expressions = new Map(
    (plan.configuration?.root_module?.resources ?? []).map((r) => [r.address, r.expressions ?? {}]),
  );
  const entries: ResourceChange[] = [];
  for (const change of changes) {
    const action = actionOf(change.change.actions);
    const importId = change.change.importing?.id;
    if (action === undefined && importId === undefined) continue;
    const reasons = reasonsOf(change, action, expressions.get(change.address) ?? {}, {
      actions,
      changedOf,
    });
    entries.push({
      address: change.address,
      action: action ?? "import",
      reasons: importId === undefined ? reasons : [`imported (id ${importId})`, ...reasons],
      ...(importId === undefined ? {} : { importId }),
    });
  }
  return entries.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

function actionOf(actions: readonly string[]): ChangeAction | undefined {
  const joined = actions.join(",");
  if (joined === "create,delete" || joined === "delete,create") return "replace";
  if (joined === "create" || joined === "delete" || joined === "update" || joined === "read") {
    return joined;
  }
  return undefined;
}

function reasonsOf(
  change: PlanResourceChange,
  action: ChangeAction | undefined,
  expressions: Readonly<Record<string, unknown>>,
  plan: PlanIndex,
): string[] {
  const because = (attribute: string) => attributeReasons(attribute, expressions, plan);
  switch (action) {
    case "create":
      return ["created"];
    case "delete":
      return ["deleted"];
    case "read":
      return [READ_REASONS[change.action_reason ?? ""] ?? "read during apply"];
    case "replace":
      if (change.action_reason === "replace_because_tainted") return ["tainted"];
      if (change.action_reason === "replace_by_triggers") return triggeredReasons(change, because);
      return unique(
        (change.change.replace_paths ?? []).flatMap((path) => because(String(path[0]))),
      );
    case "update": {
      // A configured attribute that changes is why; a computed one the provider recomputes
      // with the update (a launch template's latest_version) is a consequence, unless nothing
      // configured changes (the provider's default tags reach tags_all alone).
      const changed = changedAttributes(change);
      const configured = changed.filter((attribute) => Object.hasOwn(expressions, attribute));
      return unique((configured.length > 0 ? configured : changed).flatMap(because));
    }
    default:
      return [];
  }
}

/**
 * Why a `replace_triggered_by` replacement: the plan does not say which trigger fired, but the
 * configured attributes that change with it do (a name made from a replaced resource, a launch
 * template's new version), worded as the prediction words them.
 */
function triggeredReasons(
  change: PlanResourceChange,
  because: (attribute: string) => string[],
): string[] {
  const reasons = unique(
    changedAttributes(change)
      .flatMap(because)
      .filter((reason) => reason.includes(" refers to ")),
  );
  return reasons.length > 0 ? reasons : ["replace_triggered_by fired"];
}

/** Top-level attributes whose planned value differs from the prior one or is not known yet. */
function changedAttributes(change: PlanResourceChange): string[] {
  const before = isJsonObject(change.change.before) ? change.change.before : {};
  const after = isJsonObject(change.change.after) ? change.change.after : {};
  const unknown = isJsonObject(change.change.after_unknown) ? change.change.after_unknown : {};
  const keys = new Set([...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter(
      (key) =>
        hasUnknown(unknown[key]) ||
        !jsonEqual(before[key] as JsonValue | undefined, after[key] as JsonValue | undefined),
    )
    .sort();
}

function hasUnknown(value: unknown): boolean {
  if (value === true) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  return isJsonObject(value) && Object.values(value).some(hasUnknown);
}

/** What the plan does to each object, and which of its attributes change. */
interface PlanIndex {
  readonly actions: ReadonlyMap<string, ChangeAction | undefined>;
  readonly changedOf: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Why one attribute changes: each block it refers to that the plan changes (as the change set
 * says it: an updated block by the attribute named, when that attribute changes), or, when it
 * refers to none, its own value.
 */
function attributeReasons(
  attribute: string,
  expressions: Readonly<Record<string, unknown>>,
  { actions, changedOf }: PlanIndex,
): string[] {
  const references = referencedBlocks(expressions[attribute]);
  const reasons = [...references].flatMap(([address, named]) => {
    const action = actions.get(address);
    if (action === "replace") return [`${attribute} refers to replaced ${address}`];
    if (action === "create") return [`${attribute} refers to new ${address}`];
    if (action === "read") return [`${attribute} refers to re-read ${address}`];
    if (action !== "update") return [];
    if (named.size === 0) return [`${attribute} refers to changed ${address}`];
    const changed = changedOf.get(address) ?? new Set<string>();
    return [...named]
      .filter((name) => changed.has(name))
      .map((name) => `${attribute} refers to changed ${address}.${name}`);
  });
  return reasons.length > 0 ? reasons : [`${attribute} changed`];
}

/**
 * The blocks (`type.name`, `data.type.name`) an expression of the plan's configuration names,
 * each with the attributes it names of them (none when it names the whole block).
 */
function referencedBlocks(expression: unknown): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (isJsonObject(value)) {
      const references = value.references;
      if (Array.isArray(references)) {
        for (const reference of references) {
          const parts = String(reference).split(".");
          const length = parts[0] === "data" ? 3 : 2;
          if (parts.length < length) continue;
          const block = parts.slice(0, length).join(".");
          const named = found.get(block) ?? new Set<string>();
          // Terraform lists both `type.name.attribute` and `type.name` for one reference.
          if (parts.length > length) named.add(parts[length]);
          found.set(block, named);
        }
      }
      Object.values(value).forEach(visit);
    }
  };
  visit(expression);
  return new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function unique(reasons: readonly string[]): string[] {
  return [...new Set(reasons)];
}
