import { FIXED_ADDRESSES } from "../constructs/readable-address";
import { Argument } from "commander";
import { STAGE_NAMES, type StageName } from "../config/stages";
import type { CliContext, CommandGroup } from "./context";
import { formatTable, helpExamples } from "./format";

interface AdoptOptions {
  readonly from: string;
  readonly module?: string;
  readonly write?: boolean;
}

/**
 * `adopt <stage> --from <state>`: which live objects of the old HCL state this project takes
 * over, with the import id of each, and what the first plan after adoption will do. `--write`
 * stores the imports in stacks/imports/<stage>.json, which the stage's stack turns into
 * Terraform import blocks. See docs/adopting.md.
 */
export const adoptCommands: CommandGroup = (program, context) => {
  program
    .command("adopt")
    .description(
      "map a stage's resources in the old Terraform state to this project's, with their import ids (see docs/adopting.md)",
    )
    .addArgument(new Argument("<stage>", "the stage to adopt").choices(STAGE_NAMES))
    .requiredOption(
      "--from <state>",
      "the old state: terraform.tfstate (format 4, e.g. `terraform state pull`) or `terraform show -json` output",
    )
    .option("--module <name>", "the stage's module in the old state (default: <stage>_cluster)")
    .option("--write", "write stacks/imports/<stage>.json, so the stack emits import blocks")
    .addHelpText(
      "after",
      helpExamples(
        "adopt staging --from old.tfstate",
        "adopt staging --from old.tfstate --write",
        "adopt production --from old.tfstate --module production_cluster --write",
      ),
    )
    .action((stage: StageName, options: AdoptOptions) => adopt(context, stage, options));
};

async function adopt(context: CliContext, stage: StageName, options: AdoptOptions): Promise<void> {
  const { readFileSync, mkdirSync, mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { dirname, join } = await import("node:path");
  const { ConfigError } = await import("../config/config-error");
  const { parseTerraformState } = await import("../ops/adoption/terraform-state");
  const { firstPlanAfterAdoption, planAdoption, stateRemovals } =
    await import("../ops/adoption/adoption");
  const { formatChangeSet, readSynthesizedStack } = await import("../change-set/change-set");
  const { SynthError, synthesize } = await import("../ops/change-guard/synthesize");
  const { replaceFileAtomically } = await import("../config/atomic-file");
  const { importsPath } = await import("../config/imports");

  const stages = await context.loadStages();
  const other = STAGE_NAMES.find((name) => name !== stage) as StageName;
  let text: string;
  try {
    text = readFileSync(options.from, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${options.from}: cannot read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const module = `module.${options.module ?? `${stage}_cluster`}`;
  const plan = planAdoption(
    parseTerraformState(text, options.from),
    module,
    {
      stage,
      clusterName: stages[stage].clusterName,
      region: stages[stage].region,
      otherStage: { stage: other, clusterName: stages[other].clusterName },
    },
    options.from,
  );

  // The stack as it synthesizes now, with the import blocks the imports file would add.
  const outdir = mkdtempSync(join(tmpdir(), "apps-cluster-adopt-"));
  let synthesized;
  try {
    await synthesize(
      process.cwd(),
      context.stagesFile,
      outdir,
      process.env,
      new AbortController().signal,
    ).catch((error: unknown) => {
      throw error instanceof SynthError
        ? new ConfigError(`the stacks do not synthesize: ${error.line}`)
        : error;
    });
    synthesized = {
      ...readSynthesizedStack(outdir, stage),
      import: plan.imports.map(({ to, id }) => ({ to, id })),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const firstPlan = firstPlanAfterAdoption(plan, synthesized);

  context.out(`${stage}: adopting ${module} of ${options.from}`);
  context.out();
  context.out("imports (this project's address <- the old one, with the id Terraform imports by):");
  for (const line of formatTable(
    plan.imports.map(({ to, from, id }) => [`  ${to}`, `<- ${from}`, `id ${id}`]),
  )) {
    context.out(line);
  }
  if (plan.missing.length > 0) {
    context.out("not in the old state (the first apply creates them):");
    for (const to of plan.missing) context.out(`  ${to}`);
  }
  if (plan.leftAlone.length > 0) {
    context.out("left alone (no counterpart here):");
    for (const { address, reason } of plan.leftAlone) context.out(`  ${address}: ${reason}`);
  }
  context.out();
  context.out("the first plan after adoption (predicted):");
  for (const line of formatChangeSet(
    firstPlan.filter((change) => change.importId !== undefined),
  ).split("\n")) {
    context.out(`  ${line}`);
  }
  const created = firstPlan.filter((change) => change.action === "create").length;
  context.out(
    `  + ${created} more resources created (the drain machinery, hooks' settings, alarms)`,
  );
  // The prediction compares only what this project's config sets (lib/change-set-imports.ts).
  context.out(
    "  attributes the old objects set and this project does not are not compared: read the real plan",
  );
  context.out();
  for (const line of whatTheFirstApplyDoes(firstPlan)) context.out(line);
  context.out();
  context.out(
    "after that apply, and once the old instances have drained, release them from the old state:",
  );
  for (const command of stateRemovals(plan)) context.out(`  ${command}`);

  const path = importsPath(context.stagesFile, stage);
  if (!options.write) {
    context.out();
    context.out(`nothing written; with --write the imports go to ${path}`);
    return;
  }
  // Import blocks of real objects beside placeholder subnets, profile or bucket: the plan would
  // set the adopted group's subnets to the placeholders.
  const { loadStages } = await import("../config/stages");
  const placeholders = loadStages(context.stagesFile).placeholders[stage];
  if (placeholders.length > 0) {
    context.warn(
      `${stage} still has placeholders in ${placeholders.join(", ")} (${context.stagesFile}): the import ids are real, those values are not; replace them before npm run diff -- ${stage}`,
    );
  }
  mkdirSync(dirname(path), { recursive: true });
  const file = {
    source: `${options.from} (${module})`,
    imports: plan.imports.map(({ to, id, from }) => ({ to, id, from })),
  };
  replaceFileAtomically(path, `${JSON.stringify(file, null, 2)}\n`);
  context.out();
  context.out(
    `wrote ${path}; next: npm run diff -- ${stage} (the plan must show the imports above and destroy nothing but the old launch configuration and group)`,
  );
}

/** The plain-words summary of the first apply, from the predicted actions. */
function whatTheFirstApplyDoes(
  changes: readonly { readonly address: string; readonly action: string }[],
): string[] {
  const actionOf = (address: string) => changes.find((c) => c.address === address)?.action;
  const lines: string[] = [];
  if (actionOf(FIXED_ADDRESSES.cluster) === "replace") {
    lines.push("STOP: the ECS cluster would be replaced, with every service on it. Do not apply.");
  }
  const rolls =
    actionOf(FIXED_ADDRESSES.launchConfiguration) === "replace" &&
    actionOf(FIXED_ADDRESSES.autoScalingGroup) === "replace";
  if (rolls) {
    lines.push(
      "The first apply is a rollout: Terraform creates a new launch configuration and ASG beside the",
      "old ones (the AWS provider applies initial_lifecycle_hook only when it creates a group, so the",
      "imported one has none in its state and must be replaced), waits for the new instances to",
      "register, then deletes the old ASG. Its instances drain through the hook they have now, to the",
      "old CloudFormation drain function: keep that function and its topic until they are gone.",
    );
  }
  const deleted = changes.filter((c) => c.action === "delete").map((c) => c.address);
  if (deleted.length > 0) lines.push(`It deletes: ${deleted.join(", ")}.`);
  return lines;
}
