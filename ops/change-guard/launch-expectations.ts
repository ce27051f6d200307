import { FIXED_ADDRESSES } from "../../constructs/readable-address";
import type { ChangeAction, ResourceChange } from "../../change-set/change-set";
import type { LaunchKind } from "../../config/launch-kinds";

/**
 * What the plan of a launch change must show, per launch kind, defined once: the change guard's
 * `--expect ami` and `--expect launch` judge by it, and the change-set and Terraform tests check
 * the prediction and Terraform's own plans against it.
 */

/** Each address a change must touch, with its action and the only reasons it may have. */
export type ExpectedPlan = ReadonlyMap<string, ExpectedChange>;
export interface ExpectedChange {
  readonly action: ChangeAction;
  /** Every reason the change set gives must match. */
  readonly reason: RegExp;
}

/** What the judges read of a stage's report (verdict.ts's StageReport). */
interface StageChanges {
  readonly configChanges: readonly string[];
  readonly changes: readonly ResourceChange[];
}

/** Each stage's launch kind on both sides of a change; a stage left out launches from a configuration. */
export type LaunchKinds = Readonly<
  Record<string, { readonly before: LaunchKind; readonly after: LaunchKind }>
>;

const {
  launchConfiguration: LC,
  launchTemplate: TEMPLATE,
  launchGeneration: GENERATION,
  autoScalingGroup: ASG,
  lowInstanceAlarm: ALARM,
} = FIXED_ADDRESSES;

const escaped = (text: string) => text.replace(/[.()[\]]/g, (c) => `\\${c}`);
/** A reason that is exactly one of `reasons`. */
const oneOf = (...reasons: readonly string[]) =>
  new RegExp(`^(?:${reasons.map(escaped).join("|")})$`);

/** The alarm follows the new group's name, in place. */
const ALARM_FOLLOWS: ExpectedChange = {
  action: "update",
  reason: oneOf(`dimensions refers to replaced ${ASG}`),
} as const;

/**
 * A new AMI in a launch template stage: the template updated in place (a new version), the
 * generation replaced because the template's launch arguments changed, the group replaced
 * (named after the new generation, which it also names in `replace_triggered_by`, launching
 * the template's new version) and the alarm updated. A template update that left the group in
 * place would put the new AMI only on instances launched later, outside the drain.
 */
export const AMI_UPDATE_FROM_TEMPLATE: ExpectedPlan = new Map<string, ExpectedChange>([
  [TEMPLATE, { action: "update", reason: oneOf("image_id changed") }],
  [GENERATION, { action: "replace", reason: oneOf("triggers_replace changed") }],
  [
    ASG,
    {
      action: "replace",
      reason: oneOf(
        `name_prefix refers to replaced ${GENERATION}`,
        `replace_triggered_by ${GENERATION} (replaced)`,
        `launch_template refers to changed ${TEMPLATE}.latest_version`,
      ),
    },
  ],
  [ALARM, ALARM_FOLLOWS],
]);

/**
 * A stage switched from a launch configuration to a launch template: the template and its
 * generation created, the group replaced (new name, launching the template), the alarm
 * updated, and the launch configuration deleted, which Terraform does only after the old group
 * (which launched from it) has drained and gone.
 */
export const SWITCH_TO_TEMPLATE: ExpectedPlan = new Map<string, ExpectedChange>([
  [TEMPLATE, { action: "create", reason: oneOf("created") }],
  [GENERATION, { action: "create", reason: oneOf("created") }],
  [LC, { action: "delete", reason: oneOf("deleted") }],
  [
    ASG,
    {
      action: "replace",
      reason: oneOf(
        "name_prefix changed",
        `name_prefix refers to new ${GENERATION}`,
        "launch_configuration changed",
        "launch_template changed",
        `launch_template refers to new ${TEMPLATE}`,
      ),
    },
  ],
  [ALARM, ALARM_FOLLOWS],
]);

/** The way back: the launch configuration created, the template and generation deleted. */
export const SWITCH_TO_CONFIGURATION: ExpectedPlan = new Map<string, ExpectedChange>([
  [LC, { action: "create", reason: oneOf("created") }],
  [TEMPLATE, { action: "delete", reason: oneOf("deleted") }],
  [GENERATION, { action: "delete", reason: oneOf("deleted") }],
  [
    ASG,
    {
      action: "replace",
      reason: oneOf(
        "name_prefix changed",
        `name_prefix refers to new ${LC}`,
        "launch_configuration changed",
        `launch_configuration refers to new ${LC}`,
        "launch_template changed",
      ),
    },
  ],
  [ALARM, ALARM_FOLLOWS],
]);

/**
 * A new instance type (with or without a new AMI, as a move to Graviton needs both): the same
 * rollout as an AMI update (`amiPlan`), the launch resource changed for either reason.
 */
export function instanceChange(amiPlan: ExpectedPlan): ExpectedPlan {
  const launchReasons = oneOf("image_id changed", "instance_type changed");
  return new Map(
    [...amiPlan].map(([address, change]) => [
      address,
      change.reason.test("image_id changed") ? { ...change, reason: launchReasons } : change,
    ]),
  );
}

/**
 * `--expect instance`: one stage or more got a new instance type and/or AMI, nothing else
 * changed, and each plans the rollout of its launch kind (`amiPlanFor`, an AMI update's plan).
 */
export function instanceChangeProblems(
  stages: Readonly<Record<string, StageChanges>>,
  kinds: LaunchKinds,
  amiPlanFor: (kind: LaunchKind) => ExpectedPlan,
): string[] {
  return expectedPlanProblems(stages, ["instanceType", "amiId"], (stage) =>
    instanceChange(amiPlanFor(kinds[stage]?.after ?? "configuration")),
  );
}

/** The plan of a switch between launch kinds (none when the kind stays). */
export function launchSwitch(from: LaunchKind, to: LaunchKind): ExpectedPlan {
  if (from === to) return new Map();
  return to === "template" ? SWITCH_TO_TEMPLATE : SWITCH_TO_CONFIGURATION;
}

/**
 * Why the change is not exactly a change of `settings` with its plan, one line each (nothing
 * when it is): only `settings` may change in the stages file, each stage where one changed must
 * touch exactly `expectedFor(stage)` for exactly its reasons, the other stages nothing, and
 * nothing may be imported.
 */
export function expectedPlanProblems(
  stages: Readonly<Record<string, StageChanges>>,
  settings: readonly string[],
  expectedFor: (stage: string) => ExpectedPlan,
): string[] {
  const problems: string[] = [];
  let settingChanged = false;
  const named = settings.join(" or ");
  for (const [stage, { configChanges: fields, changes }] of Object.entries(stages)) {
    for (const field of fields.filter((f) => !settings.includes(f))) {
      problems.push(`${stage}: stage setting ${field} changed (only ${settings.join(", ")} may)`);
    }
    const changedHere = fields.some((field) => settings.includes(field));
    settingChanged ||= changedHere;
    const expected: ExpectedPlan = changedHere ? expectedFor(stage) : new Map();
    for (const change of changes) {
      const { address, action } = change;
      if (change.importId !== undefined) {
        problems.push(`${stage}: unexpected import of ${address} (id ${change.importId})`);
        continue;
      }
      const wanted = expected.get(address);
      if (wanted?.action === action) {
        for (const reason of change.reasons.filter((r) => !wanted.reason.test(r))) {
          problems.push(`${stage}: unexpected reason for the ${action} of ${address}: ${reason}`);
        }
        continue;
      }
      const instead = wanted === undefined ? "" : ` (expected ${wanted.action})`;
      const why = changedHere ? "" : ` in a stage whose ${named} did not change`;
      problems.push(`${stage}: unexpected ${action} of ${address}${instead}${why}`);
    }
    for (const [address, { action }] of expected) {
      if (!changes.some((c) => c.address === address)) {
        problems.push(`${stage}: expected ${action} of ${address}, which is not touched`);
      }
    }
  }
  if (!settingChanged) problems.unshift(`no stage's ${named} changed`);
  return problems;
}

/** `--expect launch`: one stage or more switched launch kind, and nothing else changed. */
export function launchSwitchProblems(
  stages: Readonly<Record<string, StageChanges>>,
  kinds: LaunchKinds,
): string[] {
  return expectedPlanProblems(stages, ["launch"], (stage) => {
    const { before, after } = kinds[stage] ?? { before: "configuration", after: "configuration" };
    return launchSwitch(before, after);
  });
}

const PAST_TENSE: Readonly<Partial<Record<ChangeAction, string>>> = {
  create: "created",
  delete: "deleted",
  replace: "replaced",
  update: "updated in place",
};

/** A plan as the CLI's advice words it: two entries a line, `<address> replaced`. */
export function describePlan(plan: ExpectedPlan): string[] {
  const entries = [...plan].map(
    ([address, { action }]) => `${address} ${PAST_TENSE[action] ?? action}`,
  );
  const lines: string[] = [];
  for (let i = 0; i < entries.length; i += 2) lines.push(entries.slice(i, i + 2).join(", "));
  return lines.map((line, i) => (i < lines.length - 1 ? `${line},` : line));
}
