import { Option } from "commander";
import type { StageName } from "../config/stages";
import { ecsClient } from "./aws";
import { EXIT_FINDING, type CliContext, type CommandGroup } from "./context";
import { helpExamples } from "./format";

/** `balance check`: services whose tasks sit on one instance or in one AZ; `--fix` redeploys them. */
export const balanceCommands: CommandGroup = (program, context) => {
  const balance = program
    .command("balance")
    .description("check that each service's tasks are spread over instances and AZs")
    .addHelpText("after", helpExamples("balance check production --fix"));

  balance
    .command("check")
    .description(
      "list services with 2+ running tasks all on one container instance or all in one AZ (exit 1 when any)",
    )
    .argument("<stage>", "the stage to check (a stage of the stages file)")
    .addOption(
      new Option("--fix", "force a new deployment of exactly those services").conflicts("dryRun"),
    )
    .option("--dry-run", "show what --fix would do, change nothing")
    .addHelpText(
      "after",
      helpExamples(
        "balance check production",
        "balance check production --dry-run",
        "balance check production --fix",
      ),
    )
    .action((stage: StageName, options: { fix?: boolean; dryRun?: boolean }) =>
      check(context, stage, options),
    );
};

async function check(
  context: CliContext,
  stageName: StageName,
  options: { fix?: boolean; dryRun?: boolean },
): Promise<void> {
  const stage = (await context.loadStages(stageName))[stageName];
  const { assertClusterExists, readInstances, readServices, readTaskPlacements } =
    await import("../ops/cluster/cluster-state");
  const { findLopsided } = await import("../ops/cluster/task-balance");
  const ecs = await ecsClient(stage.region);
  const cluster = stage.clusterName;
  await assertClusterExists(ecs, cluster);

  const [instances, services] = await Promise.all([
    readInstances(ecs, undefined, cluster),
    readServices(ecs, cluster),
  ]);
  const candidates = services.filter((service) => service.running >= 2);
  const placements = [];
  for (const { name } of candidates) {
    placements.push({ service: name, placements: await readTaskPlacements(ecs, cluster, name) });
  }
  const lopsided = findLopsided(placements, instances);
  if (lopsided.length === 0) {
    context.out(
      `${stageName}: every service with 2 or more running tasks is spread over instances and AZs (${candidates.length} checked)`,
    );
    return;
  }
  for (const { service, tasks, where } of lopsided) {
    context.out(`${service}: all ${tasks} running tasks on ${where}`);
  }
  const names = lopsided.map((l) => l.service).join(", ");
  if (options.dryRun) {
    context.out(`--fix would force a new deployment of: ${names}`);
    context.exitCode = EXIT_FINDING;
    return;
  }
  if (!options.fix) {
    context.out(`run with --fix to force a new deployment of: ${names}`);
    context.exitCode = EXIT_FINDING;
    return;
  }
  const { UpdateServiceCommand } = await import("@aws-sdk/client-ecs");
  for (const { service } of lopsided) {
    await ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }));
  }
  context.out(`forced a new deployment of: ${names}`);
  context.out(`follow it with: npm run cluster -- rollout watch ${stageName}, then check again`);
}
