/**
 * The stand-in provider checked against the real one: for every object the real provider plans
 * to update or replace (its own decision, not Terraform's `replace_triggered_by`), the top-level
 * attributes that force the replacement, as the real plan says (`replace_paths`) and as the
 * stand-in's `planChange` decides from the same before and after values.
 */
import type { SynthesizedDocument } from "../../../change-set/document";
import type { PlannedResourceChange } from "../../../simulation/terraform/harness";
import {
  UNKNOWN,
  isUnknown,
  type Value,
} from "../../../simulation/terraform/stand-in-provider/cty";
import { planChange } from "../../../simulation/terraform/stand-in-provider/managed-resources";
import type { VendoredSchema } from "../../../simulation/terraform/stand-in-provider/schema";

type Decisions = Record<string, string[]>;

/** The changes a provider decides: updates, and replacements it asked for itself. */
function decided(changes: readonly PlannedResourceChange[]): PlannedResourceChange[] {
  return changes.filter((change) => {
    const actions = change.change.actions.join();
    if (change.mode !== "managed" || change.type === "terraform_data") return false;
    if (actions === "update") return true;
    const replace = actions === "create,delete" || actions === "delete,create";
    return replace && change.action_reason === "replace_because_cannot_update";
  });
}

/** Address → the top-level attributes the real plan names in `replace_paths` (none: update). */
export function realReplacements(changes: readonly PlannedResourceChange[]): Decisions {
  return Object.fromEntries(
    decided(changes).map((change) => {
      const paths = change.change.replace_paths ?? [];
      const top = new Set(paths.map((path) => String(path[0])));
      return [change.address, [...top].sort()];
    }),
  );
}

/**
 * Address → the top-level attributes the stand-in reports as `RequiresReplace` when Terraform
 * proposes what the real plan shows: the prior object with each argument the configuration
 * sets taking its planned value (unknown where the plan does not know it yet, e.g. a name read
 * from a replaced object).
 */
export function standInReplacements(
  changes: readonly PlannedResourceChange[],
  after: SynthesizedDocument,
  schema: VendoredSchema,
): Decisions {
  return Object.fromEntries(
    decided(changes).map((change) => {
      const [type, name] = change.address.split(".");
      const configured = Object.keys(after.resource?.[type]?.[name] ?? {});
      const before = (change.change.before ?? {}) as Record<string, Value>;
      const planned = (change.change.after ?? {}) as Record<string, Value>;
      const unknown = (change.change.after_unknown ?? {}) as Record<string, unknown>;
      const proposed: Record<string, Value> = { ...before };
      for (const attribute of configured) {
        if (!(attribute in before) && !(attribute in planned)) continue;
        proposed[attribute] =
          unknown[attribute] === true
            ? UNKNOWN
            : withPriorComputed(planned[attribute], unknown[attribute], before[attribute]);
      }
      const tagsAll = (planned.tags_all ?? {}) as Record<string, string>;
      const { requiresReplace } = planChange(
        type,
        schema.resource[type]?.block ?? {},
        before,
        proposed,
        // The planned tags_all: the stand-in's merge of default and own tags gives it back.
        { region: "us-east-1", defaultTags: tagsAll },
      );
      return [change.address, [...requiresReplace].sort()];
    }),
  );
}

/**
 * A planned value with each nested value the real provider left unknown (a computed part of a
 * block, unknown only because the object is replaced) taken from the prior object.
 */
function withPriorComputed(
  value: Value | undefined,
  unknown: unknown,
  prior: Value | undefined,
): Value {
  if (unknown === true) return prior === undefined ? UNKNOWN : prior;
  if (Array.isArray(value)) {
    const unknowns = Array.isArray(unknown) ? unknown : [];
    const priors = Array.isArray(prior) ? prior : [];
    return value.map((item, i) => withPriorComputed(item, unknowns[i], priors[i]));
  }
  if (value !== null && value !== undefined && typeof value === "object" && !isUnknown(value)) {
    const unknowns = (typeof unknown === "object" && unknown !== null ? unknown : {}) as Record<
      string,
      unknown
    >;
    const priors = (
      prior !== null && typeof prior === "object" && !Array.isArray(prior) && !isUnknown(prior)
        ? prior
        : {}
    ) as Record<string, Value>;
    const result: Record<string, Value> = {};
    for (const key of new Set([...Object.keys(value), ...Object.keys(unknowns)])) {
      result[key] = withPriorComputed(
        (value as Record<string, Value>)[key],
        unknowns[key],
        priors[key],
      );
    }
    return result;
  }
  return value ?? null;
}
