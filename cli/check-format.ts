import type { StageFinding, StageReport } from "../ops/preflight/preflight";

/** How `check` prints its report: lines for people, a PR comment, JSON for scripts. */
export const CHECK_FORMATS = ["text", "markdown", "json"] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** Version of the JSON shape; fields are only added within one. */
const JSON_VERSION = 1;

export function formatCheckReport(reports: readonly StageReport[], format: CheckFormat): string[] {
  if (format === "json") return [JSON.stringify(checkJson(reports), null, 2)];
  if (format === "markdown") return reports.flatMap(markdownSection);
  return reports.flatMap(textLines);
}

/** `staging.amiId ami-0...: does not exist in us-west-2 ...; npm run cluster -- ami set ...` */
export function findingLine(stage: string, finding: StageFinding): string {
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
