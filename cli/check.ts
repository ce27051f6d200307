import { Option } from "commander";
import { ConfigError } from "../config/config-error";
import {
  loadStages,
  rolloutOrder,
  unknownStage,
  type LoadedStages,
  type StageName,
} from "../config/stages";
import type { StageFinding, StageReport } from "../ops/preflight/preflight";
import { ec2Client, ecsClient, iamClient, s3Client, snsClient } from "./aws";
import { EXIT_ERROR, EXIT_FINDING, type CliContext, type CommandGroup } from "./context";
import { describeKnownError, isUnusableAnswer } from "./errors";
import { formatDuration, helpExamples } from "./format";
import { parseDuration } from "./options";

/**
 * `check <stage>|--all`: the preflight. Reads the live account (Describe/List/Get/Head calls
 * only) and reports each thing in a stage's config that would fail at apply or mid-rollout.
 */
export const checkCommands: CommandGroup = (program, context) => {
  program
    .command("check")
    .description(
      "check a stage's config against the live AWS account before any plan (read-only calls)",
    )
    .argument("[stage]", "the stage to check (a stage of the stages file)")
    .option("--all", "check every stage")
    .addOption(
      new Option("--format <format>", "text, markdown (a PR comment) or json (scripts)")
        .choices(CHECK_FORMATS)
        .default("text"),
    )
    .addOption(
      new Option("--timeout <duration>", "give up (exit 2) when AWS has not answered by then")
        .argParser(parseDuration)
        .default(120_000, "2m"),
    )
    .addHelpText("after", helpExamples("check staging", "check --all --format markdown"))
    .action(
      (
        stage: string | undefined,
        options: { all?: boolean; format: CheckFormat; timeout: number },
      ) => check(context, stage, options),
    );
};

function stagesToCheck(
  loaded: LoadedStages,
  source: string,
  stage: string | undefined,
  all: boolean | undefined,
): StageName[] {
  if (all && stage !== undefined) {
    throw new ConfigError(`check: name a stage or pass --all, not both (got ${stage} and --all)`);
  }
  const names = rolloutOrder(loaded.stages);
  if (all) return names;
  if (stage === undefined)
    throw new ConfigError(`check: name a stage (${names.join(", ")}) or pass --all`);
  const problem = unknownStage(loaded.stages, stage, source);
  if (problem !== undefined) throw new ConfigError(`check: ${problem}`);
  return [stage];
}

async function check(
  context: CliContext,
  named: string | undefined,
  options: { all?: boolean; format: CheckFormat; timeout: number },
): Promise<void> {
  const loaded = loadStages(context.stagesFile);
  const stageNames = stagesToCheck(loaded, context.stagesFile, named, options.all);
  const { placeholdersLeft } = await import("../ops/preflight/placeholders-left");
  const refusal = placeholdersLeft(loaded, stageNames, context.stagesFile);
  if (refusal !== undefined) throw new ConfigError(refusal);

  const { checkStage } = await import("../ops/preflight/preflight");
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.timeout);
  const reports: StageReport[] = [];
  try {
    for (const stage of stageNames) {
      const { region } = loaded.stages[stage];
      const aws = {
        ec2: await ec2Client(region, stop.signal),
        ecs: await ecsClient(region, stop.signal),
        iam: await iamClient(region, stop.signal),
        s3: await s3Client(region, stop.signal),
        sns: await snsClient(region, stop.signal),
      };
      // What concerns one check's calls; no credentials or no network would stop them all.
      const couldNotRun = (error: unknown) =>
        isUnusableAnswer(error) ? describeKnownError(error, context.io.env) : undefined;
      try {
        reports.push(await checkStage(stage, loaded.stages[stage], aws, couldNotRun));
      } catch (error) {
        const timedOut = stop.signal.aborted;
        // Ends the other checks' calls still in flight, so the process exits now.
        stop.abort();
        if (!timedOut) throw error;
        throw new ConfigError(
          `check ${stage}: AWS did not answer within ${formatDuration(options.timeout)} (--timeout); nothing of ${stage} was checked`,
        );
      }
    }
  } finally {
    clearTimeout(timer);
  }
  for (const line of formatCheckReport(reports, options.format)) context.out(line);
  if (reports.some((report) => report.unchecked.length > 0)) context.exitCode = EXIT_ERROR;
  else if (reports.some((report) => report.findings.length > 0)) context.exitCode = EXIT_FINDING;
}

// How `check` prints its report: lines for people, a PR comment, JSON for scripts.

const CHECK_FORMATS = ["text", "markdown", "json"] as const;
type CheckFormat = (typeof CHECK_FORMATS)[number];

/** Version of the JSON shape; fields are only added within one. */
const JSON_VERSION = 1;

function formatCheckReport(reports: readonly StageReport[], format: CheckFormat): string[] {
  if (format === "json") return [JSON.stringify(checkJson(reports), null, 2)];
  if (format === "markdown") return reports.flatMap(markdownSection);
  return reports.flatMap(textLines);
}

/** `staging.amiId ami-0...: does not exist in us-west-2 ...; npm run cluster -- ami set ...` */
function findingLine(stage: string, finding: StageFinding): string {
  const fix = finding.fix === undefined ? "" : `; ${finding.fix}`;
  return `${stage}.${finding.field} ${finding.value}: ${finding.problem}${fix}`;
}

function textLines(report: StageReport): string[] {
  return [
    ...report.findings.map((finding) => findingLine(report.stage, finding)),
    ...report.unchecked.map(
      ({ check, reason }) => `${report.stage}: could not check ${check}: ${reason}`,
    ),
    `${heading(report)}: ${summary(report)}`,
  ];
}

function heading(report: StageReport): string {
  return `${report.stage} (${report.clusterName}, ${report.region})`;
}

function summary(report: StageReport): string {
  const ran = `${report.checked.length} of ${report.checked.length + report.unchecked.length} checks ran`;
  const count = report.findings.length;
  const found = count === 0 ? "no findings" : `${count} finding${count === 1 ? "" : "s"}`;
  return `${found}; ${ran}`;
}

function markdownSection(report: StageReport): string[] {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const rows = [
    ...report.findings.map(
      (finding) =>
        `| \`${report.stage}.${finding.field}\` | \`${cell(finding.value)}\` | ${cell(finding.problem)} | ${cell(finding.fix ?? "")} |`,
    ),
    ...report.unchecked.map(
      ({ check, reason }) => `| ${cell(check)} | | could not check: ${cell(reason)} | |`,
    ),
  ];
  const table =
    rows.length === 0
      ? []
      : ["", "| field | value | problem | fix |", "| --- | --- | --- | --- |", ...rows];
  return [`#### check ${heading(report)}: ${summary(report)}`, ...table, ""];
}

function checkJson(reports: readonly StageReport[]) {
  return {
    version: JSON_VERSION,
    stages: Object.fromEntries(
      reports.map((report) => [
        report.stage,
        {
          region: report.region,
          clusterName: report.clusterName,
          checked: report.checked,
          findings: report.findings,
          unchecked: report.unchecked,
        },
      ]),
    ),
  };
}
