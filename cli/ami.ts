import { readFileSync } from "node:fs";
import { Option } from "commander";
import { ConfigError, describeValue } from "../config/config-error";
import {
  AL2_END_OF_SUPPORT,
  AMI_ARCHITECTURES,
  AMI_FAMILIES,
  daysBetween,
  ecsImageFamily,
  isOlderImage,
  unusableImageReason,
  type ImageFacts,
  type AmiArchitecture,
  type AmiFamily,
} from "../ops/ami/ecs-ami";
import { rolloutOrder, type StageConfig, type StageName, type Stages } from "../config/stages";
import { describePlan } from "../ops/change-guard/launch-expectations";
import { amiUpdateFor } from "../ops/change-guard/verdict";
import { ec2Client, ssmClient } from "./aws";
import { EXIT_FINDING, type CliContext, type CommandGroup } from "./context";
import { formatTable, helpExamples } from "./format";
import { parseRegion } from "./options";

/** `ami latest|show|set|promote`: find the recommended ECS-optimized AMI, put it in a stage. */
export const amiCommands: CommandGroup = (program, context) => {
  const ami = program
    .command("ami")
    .description("find the recommended ECS-optimized AMI; show, set and promote each stage's amiId")
    .addHelpText("after", helpExamples("ami latest", "ami set staging latest"));

  ami
    .command("latest")
    .description("print the recommended ECS-optimized AMI (from AWS's public SSM parameter)")
    .addOption(
      new Option("--family <family>", "Amazon Linux version")
        .choices(AMI_FAMILIES)
        .default("al2023"),
    )
    .addOption(
      new Option("--arch <arch>", "CPU architecture").choices(AMI_ARCHITECTURES).default("x86_64"),
    )
    .option("--region <region>", "AWS region (default: the first stage's)", parseRegion)
    .option("--json", "print id, image name, ECS agent version and OS as JSON")
    .addHelpText("after", helpExamples("ami latest", "ami latest --arch arm64 --json"))
    .action(
      async (options: {
        family: AmiFamily;
        arch: AmiArchitecture;
        region?: string;
        json?: boolean;
      }) => {
        warnIfAl2(context, options.family);
        let region = options.region;
        if (region === undefined) {
          const stages = await context.loadStages();
          region = stages[rolloutOrder(stages)[0]].region;
        }
        const { recommendedAmi } = await import("../ops/ami/recommended-ami");
        const latest = await recommendedAmi(await ssmClient(region), options.family, options.arch);
        context.out(options.json ? JSON.stringify(latest, null, 2) : latest.imageId);
      },
    );

  ami
    .command("show")
    .description("print every stage's amiId; --check compares each with the recommended AMI")
    .option(
      "--check",
      "look up name and creation date; exit 1 when a stage is behind the recommended AMI",
    )
    .addHelpText("after", helpExamples("ami show", "ami show --check"))
    .action(async (options: { check?: boolean }) => {
      const stages = await context.loadStages();
      if (!options.check) {
        const rows = rolloutOrder(stages).map((name) => [
          name,
          stages[name].region,
          stages[name].amiId,
        ]);
        for (const line of formatTable([["stage", "region", "amiId"], ...rows])) context.out(line);
        return;
      }
      await checkStages(context, stages);
    });

  ami
    .command("set")
    .description("set one stage's amiId in the stages file (every other byte unchanged)")
    .argument("<stage>", "the stage to change (a stage of the stages file)")
    .argument("<ami-id>", 'an AMI id, or "latest" for the recommended one in the stage\'s region')
    .addOption(
      new Option("--family <family>", 'Amazon Linux version for "latest"')
        .choices(AMI_FAMILIES)
        .default("al2023"),
    )
    .option("--offline", "skip the AWS check that the image exists and is ECS-optimized")
    .option("--allow-older", ALLOW_OLDER_HELP)
    .addHelpText(
      "after",
      helpExamples("ami set staging latest", "ami set staging <ami-id> --offline"),
    )
    .action(
      async (
        stage: StageName,
        amiId: string,
        options: { family: AmiFamily; offline?: boolean; allowOlder?: boolean },
      ) => {
        const stages = await context.loadStages(stage);
        // The runbook's order: an AMI reaches a later stage only once an earlier one runs it.
        const [first] = rolloutOrder(stages);
        if (stage !== first) {
          context.warn(
            `ami set ${stage} skips the rollout order: set ${first} first (ami set ${first} <ami-id>), check it there, then copy it with: npm run cluster -- ami promote`,
          );
        }
        if (amiId === "latest") {
          if (options.offline) {
            throw new ConfigError(
              'ami set: "latest" is looked up in AWS, so it cannot be used with --offline',
            );
          }
          warnIfAl2(context, options.family);
          amiId = await latestFor(stage, stages[stage], options.family);
        }
        await setAmi(context, stages, stage, amiId, options);
      },
    );

  ami
    .command("promote")
    .description(
      "copy one stage's amiId to the next in rollout order (the order of the stages file), after the first is checked",
    )
    .option(
      "--from <stage>",
      "the stage that runs the AMI (default: the one before --to; without --to, the first stage whose amiId the next stage does not have yet)",
    )
    .option("--to <stage>", "the stage to change (default: the one after --from)")
    .option("--offline", "skip the AWS check that the image exists and is ECS-optimized")
    .option("--allow-older", ALLOW_OLDER_HELP)
    .addHelpText("after", helpExamples("ami promote", "ami promote --to production"))
    .action(
      async (options: {
        from?: StageName;
        to?: StageName;
        offline?: boolean;
        allowOlder?: boolean;
      }) => {
        const given = [options.from, options.to].filter((name) => name !== undefined);
        const stages = await context.loadStages(...given);
        const { from, to } = promotion(stages, options.from, options.to);
        const amiId = stages[from].amiId;
        if (from === to) throw new ConfigError(`ami promote: --from and --to are both ${from}`);
        if (stages[to].amiId === amiId) {
          throw new ConfigError(
            `ami promote: ${to}.amiId is already ${amiId}, the same as ${from}.amiId; nothing to promote`,
          );
        }
        await setAmi(context, stages, to, amiId, {
          offline: options.offline,
          allowOlder: options.allowOlder,
          promotedFrom: from,
        });
      },
    );
};

/**
 * The two stages `ami promote` copies between: each stage given, and the missing one next to it
 * in rollout order; with neither, the first stage whose successor runs another AMI (the step
 * the rollout is at), else the first two.
 */
function promotion(
  stages: Stages,
  from: StageName | undefined,
  to: StageName | undefined,
): { from: StageName; to: StageName } {
  const order = rolloutOrder(stages);
  const neighbour = (name: StageName, step: 1 | -1, option: string): StageName => {
    const found = order[order.indexOf(name) + step];
    if (found !== undefined) return found;
    const where = step === 1 ? "last" : "first";
    throw new ConfigError(
      `ami promote: ${name} is the ${where} stage in rollout order (${order.join(", ")}); name ${option}`,
    );
  };
  if (from !== undefined) return { from, to: to ?? neighbour(from, 1, "--to") };
  if (to !== undefined) return { from: neighbour(to, -1, "--from"), to };
  if (order.length < 2) {
    throw new ConfigError(
      `ami promote: ${order[0]} is the only stage; there is nothing to promote to`,
    );
  }
  const step = order.findIndex(
    (name, i) => i > 0 && stages[name].amiId !== stages[order[i - 1]].amiId,
  );
  const next = step === -1 ? 1 : step;
  return { from: order[next - 1], to: order[next] };
}

const ALLOW_OLDER_HELP =
  "allow an image older than the stage's current one (a deliberate roll-back)";

function warnIfAl2(context: CliContext, family: AmiFamily): void {
  if (family !== "al2") return;
  const past = context.io.clock.now() >= Date.parse(`${AL2_END_OF_SUPPORT}T23:59:59Z`);
  context.warn(
    `Amazon Linux 2 ECS-optimized AMIs ${past ? "reached" : "reach"} end of support on ${AL2_END_OF_SUPPORT}; use --family al2023`,
  );
}

/** The recommended AMI for a stage: its region, the architecture of its instance type. */
async function latestFor(
  stageName: StageName,
  stage: StageConfig,
  family: AmiFamily,
): Promise<string> {
  const { instanceTypeArchitectures } = await import("../ops/ami/ec2-images");
  const { recommendedAmi } = await import("../ops/ami/recommended-ami");
  const architectures = knownInstanceType(
    stage,
    await instanceTypeArchitectures(await ec2Client(stage.region), stage.instanceType),
    `${stageName}.`,
  );
  const arch: AmiArchitecture = architectures.includes("x86_64") ? "x86_64" : "arm64";
  const latest = await recommendedAmi(await ssmClient(stage.region), family, arch);
  return latest.imageId;
}

/** The architectures of a stage's instance type, refused in one line when its region has none. */
function knownInstanceType(
  stage: StageConfig,
  architectures: readonly string[] | undefined,
  fieldPrefix: string,
): readonly string[] {
  if (architectures === undefined) {
    throw new ConfigError(
      `${fieldPrefix}instanceType: EC2 has no instance type ${stage.instanceType} in ${stage.region}`,
    );
  }
  return architectures;
}

async function setAmi(
  context: CliContext,
  stages: Stages,
  stage: StageName,
  amiId: string,
  options: { offline?: boolean; allowOlder?: boolean; promotedFrom?: StageName },
): Promise<void> {
  const { amiIdSchema } = await import("../config/stages");
  const v = await import("valibot");
  const valid = v.safeParse(amiIdSchema, amiId);
  if (!valid.success) {
    throw new ConfigError(`ami-id: ${valid.issues[0].message}, got ${describeValue(amiId)}`);
  }
  const current = stages[stage].amiId;
  let imageName = "not checked: --offline";
  if (!options.offline) {
    const image = await checkImage(context, stage, stages[stage], amiId);
    imageName = image.name ?? amiId;
    if (current !== amiId && !options.allowOlder) {
      await refuseOlderImage(stages, stage, image, options.promotedFrom);
    }
  }
  if (current === amiId) {
    context.out(`${stage}.amiId is already ${amiId}; ${context.stagesFile} is unchanged`);
    return;
  }
  const { withStageAmiId } = await import("../config/stages-file");
  const { replaceFileAtomically } = await import("../config/atomic-file");
  const path = context.stagesFile;
  replaceFileAtomically(path, withStageAmiId(readFileSync(path, "utf8"), stage, amiId));
  const from = options.promotedFrom ? `, from ${options.promotedFrom}` : "";
  context.out(`${stage}.amiId: ${current} -> ${amiId} (${imageName}${from})`);
  context.out(`wrote ${path}; next:`);
  context.out(`  1. commit it on a branch and open a PR; the plan of ${stage} must show only`);
  for (const line of describePlan(amiUpdateFor(stages[stage].launch))) context.out(`     ${line}`);
  context.out(`     (locally: npm run diff -- ${stage})`);
  context.out(`  2. after the apply: npm run cluster -- rollout watch ${stage}`);
}

/**
 * A rollout moves a stage forward: an image older than the one it runs (a mistyped id, or
 * staging still behind production at `promote`) is refused, naming both images and their dates.
 */
async function refuseOlderImage(
  stages: Stages,
  stageName: StageName,
  image: ImageFacts,
  promotedFrom: StageName | undefined,
): Promise<void> {
  const { describeImages } = await import("../ops/ami/ec2-images");
  const stage = stages[stageName];
  const current = (await describeImages(await ec2Client(stage.region), [stage.amiId])).get(
    stage.amiId,
  );
  if (current === undefined || !isOlderImage(image, current)) return;
  const describe = (facts: ImageFacts) =>
    `${facts.imageId} (${facts.name ?? "no name"}, created ${facts.creationDate?.slice(0, 10)})`;
  const [command, whose, back] = promotedFrom
    ? ["ami promote", `${promotedFrom}'s `, `roll ${stageName} back`]
    : ["ami set", "", "roll back"];
  throw new ConfigError(
    `${command}: ${whose}${describe(image)} is older than ${stageName}'s current ${describe(current)}; pass --allow-older to ${back} on purpose`,
  );
}

/** Checks in EC2 that the stage's instances can boot `amiId`; returns what EC2 says of it. */
async function checkImage(
  context: CliContext,
  stageName: StageName,
  stage: StageConfig,
  amiId: string,
): Promise<ImageFacts> {
  const { describeImages, instanceTypeArchitectures } = await import("../ops/ami/ec2-images");
  const ec2 = await ec2Client(stage.region);
  const [images, architectures] = await Promise.all([
    describeImages(ec2, [amiId]),
    instanceTypeArchitectures(ec2, stage.instanceType),
  ]);
  const image = images.get(amiId);
  knownInstanceType(stage, architectures, `${stageName}.`);
  const reason = unusableImageReason(amiId, image, {
    region: stage.region,
    instanceTypeField: `${stageName}.instanceType`,
    instanceType: stage.instanceType,
    architectures: architectures ?? [],
  });
  if (reason !== undefined || image === undefined) throw new ConfigError(reason ?? amiId);
  const family = ecsImageFamily(image);
  if (family !== undefined) warnIfAl2(context, family);
  return image;
}

/** `ami show --check`: each stage's image against the recommended one of its family and arch. */
async function checkStages(context: CliContext, stages: Stages): Promise<void> {
  const { describeImages } = await import("../ops/ami/ec2-images");
  const { recommendedAmi } = await import("../ops/ami/recommended-ami");
  const rows: string[][] = [["stage", "amiId", "image", "created", "status"]];
  for (const name of rolloutOrder(stages)) {
    const stage = stages[name];
    const ec2 = await ec2Client(stage.region);
    const image = (await describeImages(ec2, [stage.amiId])).get(stage.amiId);
    const family = image && ecsImageFamily(image);
    if (image === undefined || family === undefined) {
      const why = image ? "not a standard ECS-optimized image" : `not found in ${stage.region}`;
      rows.push([
        name,
        stage.amiId,
        image?.name ?? "-",
        image?.creationDate?.slice(0, 10) ?? "-",
        why,
      ]);
      context.exitCode = EXIT_FINDING;
      continue;
    }
    warnIfAl2(context, family);
    const arch: AmiArchitecture = image.architecture === "arm64" ? "arm64" : "x86_64";
    const latest = await recommendedAmi(await ssmClient(stage.region), family, arch);
    const created = image.creationDate?.slice(0, 10) ?? "-";
    if (latest.imageId === stage.amiId) {
      rows.push([name, stage.amiId, image.name ?? "-", created, "current"]);
      continue;
    }
    const newer = (await describeImages(ec2, [latest.imageId])).get(latest.imageId);
    const days = daysBetween(image.creationDate ?? "", newer?.creationDate ?? "");
    rows.push([
      name,
      stage.amiId,
      image.name ?? "-",
      created,
      `behind ${latest.imageId} by ${days} days`,
    ]);
    context.exitCode = EXIT_FINDING;
  }
  for (const line of formatTable(rows)) context.out(line);
}
