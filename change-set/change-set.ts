/**
 * Predicts which resources a configuration change touches, from the synthesized `cdk.tf.json`
 * before and after the change. `terraform plan` cannot run without the AWS provider, so the
 * tests reason about the JSON instead, and so can a pull-request change guard.
 *
 * Rules, applied per block (a resource `type.name` or a data source `data.type.name`):
 * 1. A resource only in `after` is a `create`, only in `before` a `delete`. A data source only in
 *    `after` is a `read`; one only in `before` is not reported (nothing real is destroyed).
 * 2. A block in both is compared top-level attribute by top-level attribute (deep equality; `null`
 *    equals an omitted value). The cdktf metadata key `//` and the meta-arguments `lifecycle`,
 *    `depends_on`, `provider`, `count` and `for_each` are ignored: changing them changes no real
 *    object. A `timeouts` change alone plans nothing: the provider keeps the prior state when no
 *    other attribute differs (seen in the real provider's plans); with another change it is
 *    part of that update.
 * 3. A resource with a changed attribute that forces a new object (see `REPLACEMENT_RULES`) is a
 *    `replace`, otherwise an `update`. A resource type without rules is a `replace` on any change,
 *    with a reason saying so: a guard should rather over-warn.
 * 4. References are `type.name[.attribute]` and `data.type.name[.attribute]` inside `${...}` in any
 *    string, however deep (lists, maps, nested blocks, function calls, longer strings). Only those
 *    naming a block of `after` count.
 * 5. Until nothing changes: an attribute also changes when it refers to a block that is new, to
 *    a replaced resource (a new object has new ids, ARNs and generated names; only an attribute
 *    the configuration sets, unchanged, keeps its value, e.g. a fixed `name`), to an attribute
 *    of an updated resource that is itself changed (or to the whole updated object), or to a
 *    data source that is re-read. A data source is also re-read, at apply, when a resource it
 *    refers to has any change pending, whatever attribute it reads (Terraform's
 *    `read_because_dependency_pending`): every value read from it is then unknown in the plan,
 *    so whatever uses it changes too. Each block's action is then decided from its changed
 *    attributes by rules 2 and 3; a data source with any changed attribute is a `read`. An
 *    update also changes the computed attributes the provider recomputes with it
 *    (`RECOMPUTED_ON_UPDATE`: a launch template's `latest_version`, its new version).
 * 6. Within the same fixpoint, a resource whose `lifecycle.replace_triggered_by` names an
 *    existing block that is replaced or updated (or, for `type.name.attribute`, whose attribute
 *    changes) is a `replace`: Terraform's one meta-argument that changes what happens to a
 *    resource. A target created in the same plan triggers nothing, as in Terraform.
 * 7. Reasons are short and deterministic: `image_id changed`,
 *    `name refers to replaced aws_launch_configuration.instances`, `created`.
 * 8. A block whose provider configuration changes (the one it uses before against the one it
 *    uses after) inherits the change where it is known (see `change-set-providers.ts`): the
 *    AWS provider's `region` changes the `region` of every regional resource (a replacement) and
 *    data source (a re-read), its `default_tags` and `ignore_tags` the `tags_all` of every
 *    resource that has it (an in-place update). Inherited changes propagate like own ones.
 * 9. Each changed provider configuration is also an entry of its own (`provider.aws`, action
 *    `reconfigure`), whose reasons name each changed argument and flag those whose effect on
 *    resources is not predicted; a changed backend is an entry `terraform.backend`, action
 *    `migrate-state` when the state is looked for elsewhere (`terraform init -migrate-state`
 *    before any plan) or `reconfigure` when it stays where it is (`-reconfigure`), field by
 *    field as backend.ts's BACKEND_FIELDS says; a changed
 *    `required_providers` entry (another provider version) is an entry
 *    `terraform.required_providers.<name>` (action `reconfigure`), since the new provider may
 *    plan the same configuration differently. These entries come first (backend, required
 *    providers, then provider configurations by address), then the blocks sorted by address.
 * 10. A resource named in `options.tainted` (as a failed create leaves it in the state) is a
 *    `replace` whatever its configuration, and propagates like any replaced resource.
 * 11. A resource only in `after` that an `import` block of `after` names is imported, not
 *    created. With its current attributes (`options.importedState`, e.g. from the state that
 *    manages it today) it is compared like a block of `before` (see `change-set-imports.ts`):
 *    `import` when nothing differs, otherwise `update` or `replace` with `importId` set. Without
 *    them it is an `import` whose settings were not compared, and the reason says so.
 *    A resource in both documents whose `import` block is new in `after` (no block of `before`
 *    has the same `to` and `id`) is imported too: such a block means the object is not in the
 *    state yet (a stage adopting live objects plans on an empty state). Its entry gets the
 *    reason `import block added (id X)` and `importId`, with action `import` when nothing else
 *    changes. A removed `import` block is no entry: Terraform plans nothing for it.
 *
 * @module
 */
import { backendDiff } from "./backend";
import { importedConfig, importsOf } from "./imports";
import type { BlockConfig, JsonValue, SynthesizedDocument } from "./document";
import {
  importedTagChanges,
  inheritedChanges,
  providerAddressOf,
  providerReasons,
  providersOf,
} from "./providers";
import { referencesIn, type Reference } from "./references";
import { requiredProviderChanges } from "./required-providers";
import { jsonEqual } from "./json-equal";
import { plannedArgument } from "./provider-defaults";
import {
  recomputedOnUpdate,
  replacementVerdict,
  type ReplacementVerdict,
} from "./replacement-rules";
import { BACKEND_ADDRESS, type ChangeSetOptions, type ResourceChange } from "./types";

export type { BlockConfig, BlocksByType, JsonValue, SynthesizedDocument } from "./document";
export { readSynthesizedStack } from "./document";
export { formatChangeSet } from "./format";
export { REPLACEMENT_RULES } from "./replacement-rules";
export type { ChangeAction, ChangeSetOptions, ResourceChange } from "./types";
export { BACKEND_ADDRESS } from "./types";

const IGNORED_ATTRIBUTES: ReadonlySet<string> = new Set([
  "//",
  "lifecycle",
  "depends_on",
  "provider",
  "count",
  "for_each",
]);

interface Block {
  readonly kind: "resource" | "data";
  readonly type: string;
  readonly config: BlockConfig;
}

/** A block present in both documents. */
interface Tracked {
  readonly address: string;
  readonly kind: Block["kind"];
  readonly type: string;
  readonly before: BlockConfig;
  readonly after: BlockConfig;
  /** Attributes whose own value differs. */
  readonly ownChanges: ReadonlySet<string>;
  /** Attributes that change with the block's provider configuration, and why (rule 8). */
  readonly inherited: ReadonlyMap<string, string>;
  /** References of each attribute of `after` that name another block of `after`. */
  readonly references: ReadonlyMap<string, readonly Reference[]>;
  /** The blocks in `lifecycle.replace_triggered_by` of `after` (rule 6). */
  readonly triggers: readonly Reference[];
  /** Set once a trigger fires; grows with `changed` until the fixpoint. */
  triggered: boolean;
  /** Marked tainted in the state (rule 10). */
  readonly tainted: boolean;
  /** The id a new import block brings the object in with, and the reason saying so (rule 11). */
  readonly imported?: { readonly id: string; readonly reason: string };
  /** Own changes plus attributes changed through references; grows until the fixpoint. */
  readonly changed: Set<string>;
}

interface State {
  readonly tracked: ReadonlyMap<string, Tracked>;
  /** Blocks only in `after`. */
  readonly added: ReadonlySet<string>;
}

/**
 * The blocks a change from `before` to `after` touches, sorted by address. Pure and
 * deterministic: the result does not depend on the order of keys in either document.
 */
export function changeSet(
  before: SynthesizedDocument,
  after: SynthesizedDocument,
  options: ChangeSetOptions = {},
): ResourceChange[] {
  const previous = blocksOf(before);
  const current = blocksOf(after);
  const tainted = new Set(options.tainted);
  const imports = importsOf(after);
  const previousImports = importsOf(before);
  const providers = { before: providersOf(before), after: providersOf(after) };
  const changes: ResourceChange[] = [];
  const tracked = new Map<string, Tracked>();
  const added = new Set<string>();

  for (const [address, block] of current) {
    const old = previous.get(address);
    if (old !== undefined) {
      const oldProvider = providers.before.get(providerAddressOf(old.type, old.config));
      const providerAddress = providerAddressOf(block.type, block.config);
      const inherited = inheritedChanges(
        block.kind,
        block.type,
        block.config,
        oldProvider,
        providers.after.get(providerAddress),
        providerAddress,
      );
      const isTainted = block.kind === "resource" && tainted.has(address);
      const blockTracked = track(address, old, block, current, inherited, isTainted);
      const id = imports.get(address);
      if (block.kind === "resource" && id !== undefined && previousImports.get(address) !== id) {
        const imported = { id, reason: `import block added (id ${id})` };
        tracked.set(address, { ...blockTracked, imported });
      } else {
        tracked.set(address, blockTracked);
      }
    } else if (block.kind === "resource" && imports.has(address)) {
      const id = imports.get(address) as string;
      const state = options.importedState?.[address];
      if (state === undefined) {
        changes.push({
          address,
          action: "import",
          reasons: [`imported (id ${id}); its current settings were not compared`],
          importId: id,
        });
        continue;
      }
      const old: Block = { ...block, config: importedConfig(block.type, state, block.config) };
      const providerAddress = providerAddressOf(block.type, block.config);
      const provider = providers.after.get(providerAddress);
      const inherited = importedTagChanges(
        block.type,
        block.config,
        state,
        provider,
        providerAddress,
      );
      tracked.set(address, {
        ...track(address, old, block, current, inherited, false),
        imported: { id, reason: `imported (id ${id})` },
      });
    } else if (block.kind === "data") {
      added.add(address);
      changes.push({ address, action: "read", reasons: ["added"] });
    } else {
      added.add(address);
      changes.push({ address, action: "create", reasons: ["created"] });
    }
  }
  for (const [address, block] of previous) {
    if (block.kind === "resource" && !current.has(address)) {
      changes.push({ address, action: "delete", reasons: ["deleted"] });
    }
  }

  const state: State = { tracked, added };
  propagate(state);
  for (const block of tracked.values()) {
    const action = actionOf(block);
    const { address, imported } = block;
    if (imported !== undefined) {
      changes.push({
        address,
        action: action ?? "import",
        reasons: [imported.reason, ...(action === undefined ? [] : reasonsOf(block, state))],
        importId: imported.id,
      });
    } else if (action !== undefined) {
      changes.push({ address, action, reasons: reasonsOf(block, state) });
    }
  }
  changes.sort((a, b) => compare(a.address, b.address));
  return [...stackChanges(before, after, providers), ...changes];
}

/** The backend and provider entries of a change set (rule 9). */
function stackChanges(
  before: SynthesizedDocument,
  after: SynthesizedDocument,
  providers: { before: ReadonlyMap<string, BlockConfig>; after: ReadonlyMap<string, BlockConfig> },
): ResourceChange[] {
  const changes: ResourceChange[] = [];
  const backend = backendDiff(before, after);
  if (backend !== undefined) {
    const action = backend.movesState ? "migrate-state" : "reconfigure";
    changes.push({ address: BACKEND_ADDRESS, action, reasons: backend.reasons });
  }
  for (const { address, reasons } of requiredProviderChanges(before, after)) {
    changes.push({ address, action: "reconfigure", reasons });
  }
  const addresses = new Set([...providers.before.keys(), ...providers.after.keys()]);
  for (const address of [...addresses].sort(compare)) {
    const reasons = providerReasons(providers.before.get(address), providers.after.get(address));
    if (reasons.length > 0) changes.push({ address, action: "reconfigure", reasons });
  }
  return changes;
}

function blocksOf(document: SynthesizedDocument): Map<string, Block> {
  const blocks = new Map<string, Block>();
  const sections = [
    ["resource", "", document.resource],
    ["data", "data.", document.data],
  ] as const;
  for (const [kind, prefix, byType] of sections) {
    for (const [type, byName] of Object.entries(byType ?? {})) {
      for (const [name, config] of Object.entries(byName)) {
        blocks.set(`${prefix}${type}.${name}`, { kind, type, config });
      }
    }
  }
  return blocks;
}

function track(
  address: string,
  before: Block,
  after: Block,
  current: ReadonlyMap<string, Block>,
  inheritedChanges: readonly { attribute: string; reason: string }[],
  tainted: boolean,
): Tracked {
  const attributes = new Set([...Object.keys(before.config), ...Object.keys(after.config)]);
  const ownChanges = new Set<string>();
  const references = new Map<string, Reference[]>();
  for (const attribute of attributes) {
    if (IGNORED_ATTRIBUTES.has(attribute)) continue;
    const afterValue = valueOf(after.config, attribute);
    const [was, is] = [before.config, after.config].map((config) =>
      plannedArgument(before.type, config, attribute),
    );
    if (!jsonEqual(was, is)) ownChanges.add(attribute);
    if (afterValue === undefined) continue;
    const resolved = referencesIn(afterValue).filter(
      (reference) => reference.address !== address && current.has(reference.address),
    );
    if (resolved.length > 0) references.set(attribute, resolved);
  }
  const inherited = new Map(inheritedChanges.map(({ attribute, reason }) => [attribute, reason]));
  return {
    address,
    kind: before.kind,
    type: before.type,
    before: before.config,
    after: after.config,
    ownChanges,
    inherited,
    references,
    triggers: triggersOf(after.config).filter((reference) => current.has(reference.address)),
    triggered: false,
    tainted,
    changed: new Set([...ownChanges, ...inherited.keys()]),
  };
}

/**
 * `lifecycle.replace_triggered_by` holds bare references (`terraform_data.x`, `aws_x.y.attr`);
 * read as expressions, they are found like any other reference.
 */
function triggersOf(config: BlockConfig): Reference[] {
  const lifecycle = valueOf(config, "lifecycle");
  if (lifecycle === null || typeof lifecycle !== "object" || Array.isArray(lifecycle)) return [];
  const triggers = (lifecycle as BlockConfig).replace_triggered_by;
  if (!Array.isArray(triggers)) return [];
  return triggers.flatMap((trigger) =>
    typeof trigger === "string" ? referencesIn(`\${${trigger}}`) : [],
  );
}

/** Marks attributes changed through references until no more change (rule 5). */
function propagate(state: State): void {
  let grew = true;
  while (grew) {
    grew = false;
    for (const block of state.tracked.values()) {
      if (!block.triggered && block.triggers.some((t) => triggerFires(t, state))) {
        block.triggered = true;
        grew = true;
      }
      for (const [attribute, references] of block.references) {
        if (block.changed.has(attribute)) continue;
        if (references.some((reference) => changeSeenBy(block, reference, state) !== undefined)) {
          block.changed.add(attribute);
          grew = true;
        }
      }
    }
  }
}

/**
 * How the target of a reference changes for the block that refers to it: what the attribute
 * can see (`describeChange`), and for a data source any pending change of a resource it reads,
 * which defers the read to apply.
 */
function changeSeenBy(block: Tracked, reference: Reference, state: State): string | undefined {
  const seen = describeChange(reference, state);
  if (seen !== undefined || block.kind !== "data") return seen;
  const target = state.tracked.get(reference.address);
  if (target === undefined || target.kind !== "resource" || actionOf(target) === undefined) {
    return undefined;
  }
  return `${reference.address}, which has changes pending (read during apply)`;
}

/**
 * How the target of a reference changes as far as the referring attribute can see, e.g.
 * `replaced aws_autoscaling_group.instances`; undefined when the value read stays the same.
 */
function describeChange(reference: Reference, state: State): string | undefined {
  const { address, attribute } = reference;
  if (state.added.has(address)) return `new ${address}`;
  const target = state.tracked.get(address);
  if (target === undefined) return undefined;
  switch (actionOf(target)) {
    case "replace":
      // A configured attribute the replacement keeps is known in the plan and the same.
      if (attribute !== undefined && keepsConfiguredValue(target, attribute)) return undefined;
      return `replaced ${address}`;
    case "read":
      return `re-read ${address}`;
    case "update":
      if (attribute === undefined) return `changed ${address}`;
      return attributeChanges(target, attribute) ? `changed ${address}.${attribute}` : undefined;
    default:
      return undefined;
  }
}

/** Whether the block's configuration sets `attribute` to the same value on both sides. */
function keepsConfiguredValue(block: Tracked, attribute: string): boolean {
  return Object.hasOwn(block.after, attribute) && !block.changed.has(attribute);
}

/**
 * Whether a `replace_triggered_by` entry makes Terraform replace its resource: an existing
 * target planned for update or replacement, or, for `type.name.attribute`, that attribute
 * changing (a configured attribute keeps its value through a replacement; a computed one does
 * not). A target created in the same plan triggers nothing.
 */
function triggerFires(trigger: Reference, state: State): boolean {
  const target = state.tracked.get(trigger.address);
  if (target === undefined) return false;
  const action = actionOf(target);
  if (trigger.attribute === undefined) return action === "replace" || action === "update";
  if (attributeChanges(target, trigger.attribute)) return true;
  return action === "replace" && !keepsConfiguredValue(target, trigger.attribute);
}

/**
 * Whether an attribute of an existing block changes: its own value, or a computed attribute the
 * provider recomputes when the block is updated in place (a launch template's latest_version).
 */
function attributeChanges(target: Tracked, attribute: string): boolean {
  if (target.changed.has(attribute)) return true;
  return (
    actionOf(target) === "update" &&
    recomputedOnUpdate(target.type, target.changed).includes(attribute)
  );
}

/** What happens to a firing trigger's (existing) target, for a reason. */
function describeTarget(trigger: Reference, state: State): string {
  const target = state.tracked.get(trigger.address) as Tracked;
  return actionOf(target) === "replace" ? "replaced" : "updated";
}

function actionOf(block: Tracked): "replace" | "update" | "read" | undefined {
  if (block.triggered || block.tainted) return "replace";
  if (![...block.changed].some((attribute) => attribute !== "timeouts")) return undefined;
  if (block.kind === "data") return "read";
  return verdictsOf(block).some((verdict) => verdict !== "in-place") ? "replace" : "update";
}

function verdictsOf(block: Tracked): ReplacementVerdict[] {
  return [...block.changed].map((attribute) =>
    replacementVerdict(
      block.type,
      attribute,
      valueOf(block.before, attribute),
      valueOf(block.after, attribute),
    ),
  );
}

/**
 * Reasons by attribute name, each attribute's own change first. Computed from the final state,
 * so they do not depend on the order in which the fixpoint visited blocks.
 */
function reasonsOf(block: Tracked, state: State): string[] {
  const reasons = new Set<string>(block.tainted ? ["tainted"] : []);
  for (const attribute of [...block.changed].sort(compare)) {
    if (block.ownChanges.has(attribute)) reasons.add(`${attribute} changed`);
    else if (block.inherited.has(attribute)) reasons.add(block.inherited.get(attribute) as string);
    for (const reference of block.references.get(attribute) ?? []) {
      const change = changeSeenBy(block, reference, state);
      if (change !== undefined) reasons.add(`${attribute} refers to ${change}`);
    }
  }
  for (const trigger of block.triggers) {
    if (triggerFires(trigger, state)) {
      reasons.add(`replace_triggered_by ${trigger.address} (${describeTarget(trigger, state)})`);
    }
  }
  if (block.kind === "resource" && verdictsOf(block).includes("replacement-assumed")) {
    reasons.add(`replacement assumed: no force-new rules for ${block.type}`);
  }
  return [...reasons];
}

// Own properties only: a config never inherits attributes such as `constructor`.
function valueOf(config: BlockConfig, attribute: string): JsonValue | undefined {
  return Object.hasOwn(config, attribute) ? config[attribute] : undefined;
}

// Code-unit order, the same on every machine (unlike localeCompare).
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
