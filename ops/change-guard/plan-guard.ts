import { readFileSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { ConfigError } from "../../config/config-error";
import { parseJsonText } from "../../config/json-text";
import {
  loadStages,
  parseStages,
  rolloutOrder,
  type StageName,
  type Stages,
} from "../../config/stages";
import { FIXED_ADDRESSES } from "../../constructs/readable-address";
import { isJsonObject } from "../../change-set/json-object";
import { launchKindsOf, REPORT_VERSION, resolveBase, type GuardReport } from "./change-guard";
import { fileAt, locateProject, type Env } from "./git-worktree";
import { planChanges, type TerraformPlan } from "./plan-changes";
import { refuseOtherStagesPlan, stageOf } from "./plan-stage";
import { refuseRegionMove } from "./region-move";
import { configChanges, flagChanges, verdictOf, type Expectation } from "./verdict";

/**
 * The change guard on a plan Terraform made (`terraform show -json` of a saved plan) instead of
 * a prediction: the plan's entries, judged by the same verdict rules, for the stage the plan is
 * of; the stage settings that changed are still read from the stages file against the base.
 * Without `expect`, an AMI-only settings change is judged as `--expect ami`: the plan that will
 * be applied is what the verdict is about.
 */

export interface PlanGuardOptions {
  readonly projectDir: string;
  readonly stagesFile: string;
  /** The JSON plan, absolute or relative to `projectDir`. */
  readonly planFile: string;
  /** @default the stage whose clusterName the plan's ECS cluster has */
  readonly stage?: StageName;
  /** @default the first of DEFAULT_BASES that exists */
  readonly base?: string;
  /** @default `ami` when only the stage's amiId changed, else none */
  readonly expect?: Expectation;
  readonly allowDestructive?: boolean;
  readonly env: Env;
}

/**
 * @throws ConfigError (one line) when the file is not a JSON plan, its stage cannot be told or
 *   it is not the stage's (cluster, region, backend), the project is not in a git repository or
 *   the base is unknown.
 */
export async function runPlanGuard(options: PlanGuardOptions): Promise<GuardReport> {
  const { projectDir, env } = options;
  const planPath = resolve(projectDir, options.planFile);
  const plan = readPlan(planPath, options.planFile);
  const location = await locateProject(projectDir, env);
  const stagesFile = relative(projectDir, resolve(projectDir, options.stagesFile));
  if (stagesFile.startsWith("..") || isAbsolute(stagesFile)) {
    throw new ConfigError(
      `${options.stagesFile}: the stages file must be inside the project to be compared with the base`,
    );
  }
  const after = loadStages(resolve(projectDir, stagesFile)).stages;
  const { ref, commit } = await resolveBase(location.root, options.base, env);
  const baseText = await fileAt(location.root, commit, `${location.prefix}${stagesFile}`, env);
  const before = baseText === undefined ? undefined : stagesAt(baseText, stagesFile);
  const stage = options.stage ?? stageOf(plan, before, after, options.planFile);
  refuseOtherStagesPlan(plan, planPath, options.planFile, stage, {
    before: before?.[stage],
    after: after[stage],
  });
  refuseRegionMove(stagesFile, before, after, [stage]);
  const report = {
    configChanges: configChanges(before?.[stage], after[stage]),
    changes: flagChanges(planChanges(plan)),
  };
  const amiOnly = report.configChanges.length === 1 && report.configChanges[0] === "amiId";
  const expect = options.expect ?? (amiOnly ? "ami" : undefined);
  // The plan is of one stage; whether other stages' AMIs change with it is read from the files.
  const settingsChanged = Object.fromEntries(
    rolloutOrder(after).map((name) => [name, configChanges(before?.[name], after[name])]),
  );
  const verdict = verdictOf({ [stage]: report }, expect, launchKindsOf(before, after), {
    allowDestructive: options.allowDestructive,
    settingsChanged,
  });
  const image = expect === undefined ? [] : imageProblems(plan, stage, after[stage].amiId);
  return {
    version: REPORT_VERSION,
    base: { ref, commit },
    plan: { file: options.planFile, stage },
    stages: { [stage]: report },
    verdict:
      image.length === 0
        ? verdict
        : { ...verdict, pass: false, problems: [...verdict.problems, ...image] },
  };
}

/**
 * A plan made from another synth than this working tree's (a stale cdktf.out, another branch)
 * can pass every rule with the wrong image: the launch configuration it plans must boot the
 * stage's amiId.
 */
function imageProblems(plan: TerraformPlan, stage: StageName, amiId: string): string[] {
  // Whichever the stage launches from (launch configuration or template) names the image.
  const launchers: readonly string[] = [
    FIXED_ADDRESSES.launchConfiguration,
    FIXED_ADDRESSES.launchTemplate,
  ];
  return (plan.resource_changes ?? [])
    .filter((change) => launchers.includes(change.address) && change.change.actions[0] !== "delete")
    .flatMap((change) => {
      const after = change.change.after;
      const image = isJsonObject(after) ? after.image_id : undefined;
      if (image === undefined || image === amiId) return [];
      return [
        `${stage}: the plan's ${change.address} boots ${String(image)}, but ${stage}.amiId is ${amiId} (a plan of another synth?)`,
      ];
    });
}

/** The parsed plan; anything else is one line saying what the file is instead. */
function readPlan(file: string, shown: string): TerraformPlan {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      `--plan ${shown}: cannot read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const binary = text.startsWith("PK");
    throw new ConfigError(
      binary
        ? `--plan ${shown}: a saved plan file, not its JSON: run terraform show -json ${shown} > plan.json and pass that`
        : `--plan ${shown}: not JSON; pass the output of terraform show -json PLANFILE`,
    );
  }
  if (
    !isJsonObject(parsed) ||
    typeof parsed.format_version !== "string" ||
    !("planned_values" in parsed || "resource_changes" in parsed) ||
    ("resource_changes" in parsed && !Array.isArray(parsed.resource_changes))
  ) {
    throw new ConfigError(
      `--plan ${shown}: not a Terraform plan in JSON (no format_version and resource_changes); pass the output of terraform show -json PLANFILE`,
    );
  }
  if (!String(parsed.format_version).startsWith("1.")) {
    throw new ConfigError(
      `--plan ${shown}: plan format ${String(parsed.format_version)}, this guard reads format 1.x`,
    );
  }
  return parsed as unknown as TerraformPlan;
}

function stagesAt(text: Buffer, stagesFile: string): Stages | undefined {
  try {
    return parseStages(parseJsonText(text.toString("utf8"), stagesFile), stagesFile);
  } catch {
    return undefined;
  }
}
