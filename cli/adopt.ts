import { FIXED_ADDRESSES } from "../constructs/readable-address";
import type { StageName } from "../config/stages";
import type { CliContext, CommandGroup } from "./context";
import { formatTable, helpExamples } from "./format";

interface HandOverOptions {
  readonly apply?: boolean;
  readonly group?: string;
}

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
  const adoptCommand = program
    .command("adopt")
    .description(
      "map a stage's resources in the old Terraform state to this project's, with their import ids (see docs/adopting.md)",
    )
    .argument("<stage>", "the stage to adopt (a stage of the stages file)")
    // Checked in the action, not by commander: a required option of `adopt` would also be
    // demanded of its `hand-over` subcommand.
    .option(
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
    .action((stage: StageName, options: Partial<AdoptOptions>) => {
      if (options.from === undefined) {
        // Commander's own wording and exit, as for any required option.
        adoptCommand.error("error: required option '--from <state>' not specified", {
          code: "commander.missingMandatoryOptionValue",
        });
      }
      return adopt(context, stage, options as AdoptOptions);
    });
  adoptCommand
    .command("hand-over")
    .description(
      "point the old (imported) group's termination hook at this stack's drain topic and hook role, so the first rollout drains through this project's function; a dry run unless --apply",
    )
    .argument("<stage>", "the stage whose old group to hand over (a stage of the stages file)")
    .option("--apply", "change the hook (one PutLifecycleHook); without it, only show the change")
    .option(
      "--group <name>",
      "the old group (default: the id of aws_autoscaling_group.instances in stacks/imports/<stage>.json)",
    )
    .addHelpText(
      "after",
      helpExamples("adopt hand-over staging", "adopt hand-over staging --apply"),
    )
    .action((stage: StageName, options: HandOverOptions) => handOver(context, stage, options));
};

async function adopt(context: CliContext, stage: StageName, options: AdoptOptions): Promise<void> {
  const { readFileSync, mkdirSync } = await import("node:fs");
  const { dirname } = await import("node:path");
  const { ConfigError } = await import("../config/config-error");
  const { parseTerraformState } = await import("../ops/adoption/terraform-state");
  const { firstPlanAfterAdoption, planAdoption, stateRemovals } =
    await import("../ops/adoption/adoption");
  const { formatChangeSet } = await import("../change-set/change-set");
  const { replaceFileAtomically } = await import("../config/atomic-file");
  const { metadataAccessReport, metadataOptionsOf } =
    await import("../ops/adoption/metadata-access");
  const { importsPath } = await import("../config/imports");

  const stages = await context.loadStages(stage);
  // The old clusters launch from launch configurations: adopt into the same kind, then switch
  // as a rollout of its own, rather than adopt and switch in one untested first apply.
  if (stages[stage].launch === "template") {
    throw new ConfigError(
      `${context.stagesFile}: ${stage}.launch is "template", but adopt maps a live launch configuration cluster: adopt with "launch": "configuration" (or without launch), apply, then switch (changes --expect launch)`,
    );
  }
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
      otherStages: Object.entries(stages)
        .filter(([name]) => name !== stage)
        .map(([name, { clusterName }]) => ({ stage: name, clusterName })),
    },
    options.from,
  );

  // The stack as it synthesizes now, with the import blocks the imports file would add.
  const synthesized = {
    ...(await synthesizeStage(context, stage)),
    import: plan.imports.map(({ to, id }) => ({ to, id })),
  };
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
  for (const line of whatTheFirstApplyDoes(firstPlan, stage)) context.out(line);
  const oldLaunchConfiguration = plan.imports.find(
    ({ to }) => to === FIXED_ADDRESSES.launchConfiguration,
  );
  const [, newLaunchConfiguration] = FIXED_ADDRESSES.launchConfiguration.split(".");
  const synthesizedLc =
    synthesized.resource?.aws_launch_configuration?.[newLaunchConfiguration] ?? {};
  if (oldLaunchConfiguration !== undefined) {
    context.out();
    for (const line of metadataAccessReport(
      metadataOptionsOf(oldLaunchConfiguration.attributes),
      metadataOptionsOf(synthesizedLc as Record<string, unknown>),
    )) {
      context.out(line);
    }
  }
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
  stage: StageName,
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
      "old CloudFormation drain function, which releases instances while their tasks still serve:",
      `apply the drain machinery first, then npm run cluster -- adopt hand-over ${stage}, then roll`,
      "(docs/adopting.md, step 4). Keep the old function and its topic until the old ASG is gone.",
    );
  }
  const deleted = changes.filter((c) => c.action === "delete").map((c) => c.address);
  if (deleted.length > 0) lines.push(`It deletes: ${deleted.join(", ")}.`);
  return lines;
}

/** The stage's stack as it synthesizes now, in a temporary directory. */
async function synthesizeStage(context: CliContext, stage: StageName) {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { ConfigError } = await import("../config/config-error");
  const { readSynthesizedStack } = await import("../change-set/change-set");
  const { SynthError, synthesize } = await import("../ops/change-guard/synthesize");
  const outdir = mkdtempSync(join(tmpdir(), "apps-cluster-adopt-"));
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
    return readSynthesizedStack(outdir, stage);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * `adopt hand-over <stage>`: once this stack's drain machinery is applied, the old group's
 * termination hook notifies this stack's topic (ops/adoption/hand-over.ts). Dry run by default.
 */
async function handOver(
  context: CliContext,
  stage: StageName,
  options: HandOverOptions,
): Promise<void> {
  const { ConfigError } = await import("../config/config-error");
  const { clusterNames } = await import("../config/cluster-names");
  const { importsPath, readStageImports } = await import("../config/imports");
  const { applyHandOver, planHandOver, undoCommand } = await import("../ops/adoption/hand-over");
  const { autoScalingClient, snsClient } = await import("./aws");

  const config = (await context.loadStages(stage))[stage];
  const path = importsPath(context.stagesFile, stage);
  const groupName =
    options.group ??
    readStageImports(path)?.imports.find(({ to }) => to === FIXED_ADDRESSES.autoScalingGroup)?.id;
  if (groupName === undefined) {
    throw new ConfigError(
      `${path}: no import of ${FIXED_ADDRESSES.autoScalingGroup} to name the old group; run adopt ${stage} --from <state> --write first, or pass --group`,
    );
  }
  // The hook this stack gives its own groups: the heartbeat the function's timing assumes.
  const [type, name] = FIXED_ADDRESSES.autoScalingGroup.split(".");
  const group = (await synthesizeStage(context, stage)).resource?.[type]?.[name] as
    { initial_lifecycle_hook?: Record<string, unknown>[] } | undefined;
  const ownHook = group?.initial_lifecycle_hook?.find(
    (hook) => hook.lifecycle_transition === "autoscaling:EC2_INSTANCE_TERMINATING",
  );
  const names = clusterNames(config.clusterName);
  const autoScaling = await autoScalingClient(config.region);
  const plan = await planHandOver(autoScaling, await snsClient(config.region), groupName, {
    region: config.region,
    groupNamePrefix: names.instancePrefix,
    topicName: names.drainFunction,
    hookRoleName: names.hookRole,
    functionName: names.drainFunction,
    heartbeatTimeoutSeconds: Number(ownHook?.heartbeat_timeout),
    notificationMetadata: String(ownHook?.notification_metadata),
  });
  const describe = (target: typeof plan.current) =>
    `notifies ${target.topicArn} as ${target.roleArn}, heartbeat ${target.heartbeatTimeoutSeconds} s, default ${target.defaultResult}` +
    (target.notificationMetadata === undefined ? "" : `, metadata ${target.notificationMetadata}`);
  const mode = plan.done ? "already handed over" : options.apply ? "applying" : "dry run";
  context.out(`${stage}: termination hook ${plan.hookName} of ${plan.groupName} (${mode})`);
  context.out(`  now:   ${describe(plan.current)}`);
  if (plan.done) {
    context.out("nothing to do: the old instances drain through this stack's function");
    return;
  }
  context.out(`  after: ${describe(plan.next)}`);
  context.out(
    `checked: ${plan.groupName} is inside the drain function's IAM scope (${names.instancePrefix}*), no instance of it is terminating, ${names.drainFunction} is subscribed to the drain topic`,
  );
  if (!options.apply) {
    context.out("nothing changed; --apply changes the hook (one PutLifecycleHook, nothing else)");
  } else {
    await applyHandOver(autoScaling, plan);
    context.out(
      `handed over: the old instances now drain through ${names.drainFunction}; next: the rollout (npm run deploy -- ${stage})`,
    );
  }
  context.out("to undo it (before the rollout deletes the group):");
  context.out(`  ${undoCommand(plan, config.region)}`);
}
