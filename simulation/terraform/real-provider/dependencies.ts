/**
 * What Terraform records in a state about each object's place in the apply order: its
 * `dependencies` (every managed resource it depends on, directly or through other blocks, data
 * sources included) and whether it is replaced `create_before_destroy` (set in its lifecycle,
 * or forced by a resource that depends on it and is). The apply graph orders the destruction of
 * old objects by them (an old group is destroyed after the alarm that names the group is
 * updated, and before the launch configuration it uses), so a state written by hand must carry
 * them for `terraform graph -type=apply` to show the real order.
 */
import type { JsonValue, SynthesizedDocument } from "../../../change-set/document";
import { referencesIn } from "../../../change-set/references";

export interface StateOrdering {
  /** The managed resources it depends on, sorted. */
  readonly dependencies: string[];
  readonly createBeforeDestroy: boolean;
}

/** Address → what the state records of its order, for every managed resource. */
export function stateOrdering(document: SynthesizedDocument): Map<string, StateOrdering> {
  const direct = new Map<string, string[]>();
  const ownCreateBeforeDestroy = new Set<string>();
  for (const [section, prefix] of [
    ["resource", ""],
    ["data", "data."],
  ] as const) {
    for (const [type, byName] of Object.entries(document[section] ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        direct.set(`${prefix}${type}.${name}`, referencedAddresses(config));
        const lifecycle = (config as { lifecycle?: { create_before_destroy?: boolean } }).lifecycle;
        if (lifecycle?.create_before_destroy === true)
          ownCreateBeforeDestroy.add(`${type}.${name}`);
      }
    }
  }
  const closure = new Map<string, Set<string>>();
  const reach = (address: string, seen = new Set<string>()): Set<string> => {
    const known = closure.get(address);
    if (known !== undefined) return known;
    const found = new Set<string>();
    for (const next of direct.get(address) ?? []) {
      if (!direct.has(next) || seen.has(next)) continue;
      found.add(next);
      for (const further of reach(next, new Set([...seen, address]))) found.add(further);
    }
    closure.set(address, found);
    return found;
  };
  const managed = [...direct.keys()].filter((address) => !address.startsWith("data."));
  const dependencies = new Map(
    managed.map((address) => [
      address,
      [...reach(address)].filter((a) => !a.startsWith("data.")).sort(),
    ]),
  );
  const forced = new Set(
    [...ownCreateBeforeDestroy].flatMap((address) => dependencies.get(address) ?? []),
  );
  return new Map(
    managed.map((address) => [
      address,
      {
        dependencies: dependencies.get(address) ?? [],
        createBeforeDestroy: ownCreateBeforeDestroy.has(address) || forced.has(address),
      },
    ]),
  );
}

/** Addresses a block refers to: in expressions, `depends_on` and `replace_triggered_by`. */
function referencedAddresses(config: JsonValue): string[] {
  const lifecycle = (config as { lifecycle?: { replace_triggered_by?: string[] } }).lifecycle;
  const bare = [
    ...((config as { depends_on?: string[] }).depends_on ?? []),
    ...(lifecycle?.replace_triggered_by ?? []),
  ].map((reference) =>
    reference
      .split(".")
      .slice(0, reference.startsWith("data.") ? 3 : 2)
      .join("."),
  );
  return [...new Set([...referencesIn(config).map((r) => r.address), ...bare])];
}
