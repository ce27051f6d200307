import { FIXED_ADDRESSES } from "../../constructs/readable-address";
import { destructiveChanges } from "./destructive";
import type { ChangeAction, JsonValue, ResourceChange } from "../../change-set/change-set";
import { renderPath } from "../../config/config-error";
import { jsonEqual } from "../../change-set/json-equal";
import { isJsonObject } from "../../change-set/json-object";
import type { LaunchKind } from "../../config/launch-kinds";
import {
  AMI_UPDATE_FROM_TEMPLATE,
  instanceChangeProblems,
  launchSwitchProblems,
  type ExpectedPlan,
  type LaunchKinds,
} from "./launch-expectations";

/**
 * What the change guard concludes from each stage's change set and stage-config change: which
 * entries to flag (deletes, likely renames), and whether the change is what `--expect` says.
 */

/** A change-set entry with the guard's flag: a delete, or half of a likely rename. */
export interface GuardChange extends ResourceChange {
  /** `DELETE` for a plain delete; `RENAMED?` for a delete or create whose type has the other. */
  readonly flag?: "DELETE" | "RENAMED?";
}

/** One stage's part of the report. */
export interface StageReport {
  /** Fields of the stage in the stages file that changed, e.g. `amiId`, `drain.pollSeconds`. */
  readonly configChanges: readonly string[];
  readonly changes: readonly GuardChange[];
}

/**
 * What `--expect` can name: an AMI update, a new instance type (and AMI), or a switch of launch
 * kind (launch-expectations.ts).
 */
export type Expectation = "ami" | "instance" | "launch";

export interface Verdict {
  /** The `--expect` given, or null. */
  readonly expect: Expectation | null;
  /** Whether the change is what `expect` says; null without `expect`. */
  readonly pass: boolean | null;
  /** Each way the change differs from `expect`, one line each. */
  readonly problems: readonly string[];
  /** Deletes and likely renames, one line each, reported whatever `expect` is. */
  readonly warnings: readonly string[];
  /** Changes that lose running services or the state, one `STOP` line each (destructive.ts). */
  readonly stops: readonly string[];
  /** Whether the guard refuses the change: a `STOP` that `--allow-destructive` did not allow. */
  readonly refused: boolean;
}

/**
 * The three entries an AMI update plans, and nothing else, in a stage whose `amiId` changed,
 * each with the only reasons it may have as the change set words them: the image, then
 * references to what that replaces. Any other reason (user data, another argument, a trigger)
 * is a second change riding along with the AMI.
 */
/** The change set's reason for an attribute that names a replaced resource, as a pattern. */
function refersToReplaced(address: string): RegExp {
  return new RegExp(`^\\w+ refers to replaced ${address.replaceAll(".", "\\.")}$`);
}

export const AMI_UPDATE: ReadonlyMap<string, { action: ChangeAction; reason: RegExp }> = new Map([
  [FIXED_ADDRESSES.launchConfiguration, { action: "replace", reason: /^image_id changed$/ }],
  [
    FIXED_ADDRESSES.autoScalingGroup,
    { action: "replace", reason: refersToReplaced(FIXED_ADDRESSES.launchConfiguration) },
  ],
  [
    FIXED_ADDRESSES.lowInstanceAlarm,
    { action: "update", reason: refersToReplaced(FIXED_ADDRESSES.autoScalingGroup) },
  ],
]);

/** The plan of an AMI update in a stage that launches from `kind`. */
export function amiUpdateFor(kind: LaunchKind = "configuration"): ExpectedPlan {
  return kind === "template" ? AMI_UPDATE_FROM_TEMPLATE : AMI_UPDATE;
}

/**
 * The paths of what differs between two parsed stage configs: objects are compared field by
 * field, anything else (lists included) as a whole. A stage missing on one side is `(stage)`.
 */
export function configChanges(before: unknown, after: unknown, path: string[] = []): string[] {
  if (isJsonObject(before) && isJsonObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => configChanges(before[key], after[key], [...path, key]));
  }
  if (jsonEqual(before as JsonValue | undefined, after as JsonValue | undefined)) return [];
  return [path.length === 0 ? "(stage)" : renderPath(path)];
}

/** Flags each delete, and each delete and create of one type in one stage as a likely rename. */
export function flagChanges(changes: readonly ResourceChange[]): GuardChange[] {
  const typeOf = (address: string) => address.split(".")[0];
  const typesWith = (action: ChangeAction) =>
    new Set(changes.filter((c) => c.action === action).map((c) => typeOf(c.address)));
  const deleted = typesWith("delete");
  const created = typesWith("create");
  return changes.map((change) => {
    const type = typeOf(change.address);
    if (change.action === "delete") {
      return { ...change, flag: created.has(type) ? "RENAMED?" : "DELETE" };
    }
    if (change.action === "create" && deleted.has(type)) return { ...change, flag: "RENAMED?" };
    return change;
  });
}

/** What the verdict is told beyond the stages it judges. */
export interface VerdictOptions {
  /** A change that loses running services or the state is intended. @default refused */
  readonly allowDestructive?: boolean;
  /**
   * The settings that changed in every stage, also those not judged (a plan is of one stage).
   * @default the `configChanges` of the stages judged
   */
  readonly settingsChanged?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The warnings, the refusals of destructive changes and, with `expect`, the verdict on the
 * stages reported. A destructive change is refused whatever `expect` is, unless
 * `allowDestructive` says it is intended.
 */
export function verdictOf(
  stages: Readonly<Record<string, StageReport>>,
  expect: Expectation | undefined,
  launchKinds: LaunchKinds = {},
  { allowDestructive = false, settingsChanged }: VerdictOptions = {},
): Verdict {
  const together = amiStagesTogether(
    settingsChanged ??
      Object.fromEntries(Object.entries(stages).map(([s, r]) => [s, r.configChanges])),
  );
  const warnings = [
    ...(together === undefined ? [] : [together]),
    ...Object.entries(stages).flatMap(([stage, { changes }]) => warningsOf(stage, changes)),
  ];
  const stops = Object.entries(stages).flatMap(([stage, report]) =>
    destructiveChanges(stage, report.changes, report.configChanges),
  );
  const refused = stops.length > 0 && !allowDestructive;
  if (expect === undefined) {
    return { expect: null, pass: null, problems: [], warnings, stops, refused };
  }
  const problems = [
    ...(together === undefined ? [] : [together]),
    ...(expect === "launch"
      ? launchSwitchProblems(stages, launchKinds)
      : expect === "instance"
        ? instanceChangeProblems(stages, launchKinds, amiUpdateFor)
        : amiOnlyProblems(stages, launchKinds)),
  ];
  return { expect, pass: problems.length === 0, problems, warnings, stops, refused };
}

/**
 * One line when more than one stage's amiId changed: such a pull request rolls every one of
 * those stages onto an AMI that none of them has run yet, so staging is not first.
 */
function amiStagesTogether(
  settingsChanged: Readonly<Record<string, readonly string[]>>,
): string | undefined {
  const stages = Object.keys(settingsChanged).filter((stage) =>
    settingsChanged[stage].includes("amiId"),
  );
  if (stages.length < 2) return undefined;
  return `TOGETHER amiId changed in ${stages.join(" and ")} at once: each would roll onto an AMI no stage has run; change staging's first, then the next stage's in a pull request of its own`;
}

function warningsOf(stage: string, changes: readonly GuardChange[]): string[] {
  const deletes = changes.filter((c) => c.flag === "DELETE").map((c) => c.address);
  const renamedFrom = changes.filter((c) => c.action === "delete" && c.flag === "RENAMED?");
  const warnings = deletes.map((address) => `${stage}: DELETE ${address}`);
  for (const { address } of renamedFrom) {
    const type = address.split(".")[0];
    const to = changes
      .filter((c) => c.action === "create" && c.address.startsWith(`${type}.`))
      .map((c) => c.address);
    warnings.push(
      `${stage}: RENAMED? ${address} is deleted and ${to.join(", ")} created: a changed construct id destroys the live object and creates a new one`,
    );
  }
  const group = FIXED_ADDRESSES.autoScalingGroup;
  if (changes.some((c) => c.address === group && c.action === "replace" && newDeleteTimeout(c))) {
    warnings.push(
      `${stage}: TIMEOUT ${group} is replaced in the same apply that changes its delete timeout: Terraform deletes the old group with the timeout the state holds, the old one; apply the timing change alone first, then the rollout`,
    );
  }
  return warnings;
}

/**
 * Whether a change gives the group a new delete timeout. A replaced group's old object is
 * deleted with the `timeouts` its state holds (the rehearsal shows it: a deposed object has no
 * configuration), so a new one protects only the rollout after the apply that stores it.
 */
function newDeleteTimeout(change: ResourceChange): boolean {
  return change.reasons.includes("timeouts changed");
}

/** Why the change is not an AMI update of one or more stages (nothing when it is). */
function amiOnlyProblems(
  stages: Readonly<Record<string, StageReport>>,
  launchKinds: LaunchKinds,
): string[] {
  const problems: string[] = [];
  let amiChanged = false;
  for (const [stage, { configChanges: fields, changes }] of Object.entries(stages)) {
    for (const field of fields.filter((f) => f !== "amiId")) {
      problems.push(`${stage}: stage setting ${field} changed (only amiId may)`);
    }
    const amiStage = fields.includes("amiId");
    amiChanged ||= amiStage;
    const expected = amiStage ? amiUpdateFor(launchKinds[stage]?.after) : new Map();
    for (const change of changes) {
      const { address, action } = change;
      // An import adopts an object whatever else the plan does: never part of an AMI update.
      if (change.importId !== undefined) {
        problems.push(`${stage}: unexpected import of ${address} (id ${change.importId})`);
        continue;
      }
      const wanted = expected.get(address);
      if (wanted?.action === action) {
        const others = change.reasons.filter((reason) => !wanted.reason.test(reason));
        problems.push(
          ...others.map(
            (reason) => `${stage}: unexpected reason for the ${action} of ${address}: ${reason}`,
          ),
        );
        continue;
      }
      const instead = wanted === undefined ? "" : ` (expected ${wanted.action})`;
      const why = amiStage ? "" : " in a stage whose amiId did not change";
      problems.push(`${stage}: unexpected ${action} of ${address}${instead}${why}`);
    }
    for (const [address, { action }] of expected) {
      if (!changes.some((c) => c.address === address)) {
        problems.push(`${stage}: expected ${action} of ${address}, which is not touched`);
      }
    }
  }
  if (!amiChanged) problems.unshift("no stage's amiId changed");
  return problems;
}
