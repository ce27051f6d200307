/**
 * The stand-in provider checked against the real one: for every object the real provider plans
 * to update or replace (its own decision, not Terraform's `replace_triggered_by`), the top-level
 * attributes that force the replacement, as the real plan says (`replace_paths`) and as the
 * stand-in's `planChange` decides from the same before and after values.
 */
import type { SynthesizedDocument } from "../../../change-set/document";
import type { PlannedResourceChange } from "../harness";
import { UNKNOWN, type Value } from "../stand-in-provider/cty";
import { planChange } from "../stand-in-provider/managed-resources";
import type { VendoredSchema } from "../stand-in-provider/schema";

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
        proposed[attribute] = unknown[attribute] === true ? UNKNOWN : (planned[attribute] ?? null);
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
