import type { GuardReport } from "../ops/change-guard/change-guard";
import type { Expectation, GuardChange, StageReport } from "../ops/change-guard/verdict";
import { actionSymbol } from "../change-set/format";
import { formatTable } from "./format";

/** The change guard's report as text (terminal, CI log), markdown (a PR comment) or JSON. */

export type ReportFormat = "text" | "markdown" | "json";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "markdown", "json"];

export function renderReport(report: GuardReport, format: ReportFormat): string {
  if (format === "json") return `${JSON.stringify(report, null, 2)}\n`;
  return format === "markdown" ? renderMarkdown(report) : renderText(report);
}

const why = (change: GuardChange) =>
  change.reasons.length > 0 ? `${change.action}: ${change.reasons.join("; ")}` : change.action;

const baseLine = ({ base, plan }: GuardReport) =>
  plan === undefined
    ? `base ${base.ref} (${base.commit.slice(0, 12)}) -> working tree`
    : `plan ${plan.file} of ${plan.stage} (Terraform's own plan; settings against base ${base.ref} (${base.commit.slice(0, 12)}))`;

/** The refusals of destructive changes, and whether --allow-destructive let them through. */
function stopLines({ verdict }: GuardReport): string[] {
  const allowed = verdict.stops.length > 0 && !verdict.refused;
  return verdict.stops.map((s) => (allowed ? `${s} (allowed by --allow-destructive)` : s));
}

function stagesOf(report: GuardReport): [string, StageReport][] {
  return Object.entries(report.stages).filter(
    (entry): entry is [string, StageReport] => entry[1] !== undefined,
  );
}

/** How each expectation is worded: what passes, and what the change is. */
const EXPECTATION_WORDS: Readonly<Record<Expectation, { pass: string; kind: string }>> = {
  ami: { pass: "only amiId changed, and only what it replaces", kind: "an AMI update" },
  instance: {
    pass: "only instanceType or amiId changed, and only what they replace",
    kind: "an instance type or AMI update",
  },
  launch: {
    pass: "only launch changed, and only what the switch replaces",
    kind: "a launch switch",
  },
};

function verdictLines({ verdict }: GuardReport): string[] {
  if (verdict.expect === null) return [];
  if (verdict.pass)
    return [`expect ${verdict.expect}: pass (${EXPECTATION_WORDS[verdict.expect].pass})`];
  return [`expect ${verdict.expect}: FAIL`, ...verdict.problems.map((p) => `  ${p}`)];
}

function renderText(report: GuardReport): string {
  const lines = [`change guard: ${baseLine(report)}`];
  for (const [stage, { configChanges, changes }] of stagesOf(report)) {
    const settings =
      configChanges.length > 0 ? ` (stage settings changed: ${configChanges.join(", ")})` : "";
    if (changes.length === 0) {
      lines.push(`${stage}: no changes${settings}`);
      continue;
    }
    lines.push(`${stage}: ${changes.length} touched${settings}`);
    const flagged = changes.some((c) => c.flag !== undefined);
    const rows = changes.map((c) => [
      ...(flagged ? [c.flag ?? ""] : []),
      actionSymbol(c.action),
      c.address,
      why(c),
    ]);
    lines.push(...formatTable(rows).map((row) => `  ${row}`));
  }
  lines.push(...report.verdict.warnings.map((w) => `WARNING ${w}`));
  lines.push(...stopLines(report));
  lines.push(...verdictLines(report));
  return `${lines.join("\n")}\n`;
}

// A table cell: pipes would end it and line breaks the row.
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function renderMarkdown(report: GuardReport): string {
  const { verdict } = report;
  const head =
    verdict.expect === null
      ? "Change guard"
      : verdict.pass
        ? `Change guard: :white_check_mark: only ${EXPECTATION_WORDS[verdict.expect].kind} (expect ${verdict.expect})`
        : `Change guard: :x: not only ${EXPECTATION_WORDS[verdict.expect].kind} (expect ${verdict.expect})`;
  const lines = [`### ${head}`, "", `${cell(baseLine(report))}`, ""];
  for (const stop of stopLines(report)) lines.push(`- :stop_sign: **${cell(stop)}**`);
  for (const problem of verdict.problems) lines.push(`- ${cell(problem)}`);
  for (const warning of verdict.warnings) lines.push(`- :warning: **${cell(warning)}**`);
  if (verdict.problems.length + verdict.warnings.length + verdict.stops.length > 0) {
    lines.push("");
  }
  for (const [stage, { configChanges, changes }] of stagesOf(report)) {
    lines.push(`#### ${stage}`, "");
    if (configChanges.length > 0) {
      lines.push(`Stage settings changed: ${configChanges.map((f) => `\`${f}\``).join(", ")}`, "");
    }
    if (changes.length === 0) {
      lines.push("No changes.", "");
      continue;
    }
    lines.push("| | resource | action | why |", "|---|---|---|---|");
    for (const change of changes) {
      const action =
        change.flag === undefined ? change.action : `**${change.flag}** ${change.action}`;
      lines.push(
        `| \`${actionSymbol(change.action)}\` | \`${change.address}\` | ${action} | ${cell(change.reasons.join("; "))} |`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}
