import { exitCodeOf } from "./context";

/** Output helpers shared by the command groups. */

/** A duration in the unit people gave it, for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Columns padded to their widest cell, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

/** The "Example(s):" part of a command's help: each line as people type it. */
export function helpExamples(...commands: string[]): string {
  const lines = commands.map((command) => `  $ npm run cluster -- ${command}`);
  return `\nExample${commands.length > 1 ? "s" : ""}:\n${lines.join("\n")}\n`;
}

/**
 * What each exit code means, command by command: the one table each command's `--help` ends
 * with and docs/cli-exit-codes.md is generated from. The codes follow one convention: 0 done
 * with nothing to report, 1 the command's finding (scriptable: a check found something, a
 * verdict failed), 2 the command could not do its work (one line on stderr says why), and the
 * shell's 128 + signal for a command stopped by one.
 */

const FAILED =
  "a bad argument or stages file, no credentials, AWS or the network failing (one line on stderr says which)";
const ERROR = `could not run: ${FAILED}`;

const INTERRUPTED: Readonly<Record<number, string>> = {
  [exitCodeOf("SIGINT")]: "stopped with Ctrl-C",
  [exitCodeOf("SIGTERM")]: "stopped by SIGTERM (a cancelled CI job or Atlantis run)",
  [exitCodeOf("SIGHUP")]: "stopped by SIGHUP (the terminal went away)",
};

/** By command as typed after `npm run cluster --`; every command that runs has an entry. */
export const EXIT_CODES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  check: {
    0: "no findings: every check ran and found nothing",
    1: "findings: each line names the stage's field, its value and what the account says is wrong",
    2: "could not check: a check whose AWS answers were unusable (denied, throttled or failing after retries, unreadable) is named on its line, the others still reported; or, on stderr, a bad argument, placeholders left, no credentials, AWS unreachable or --timeout passed",
  },
  "ami latest": { 0: "the recommended AMI printed", 2: ERROR },
  "ami show": {
    0: "every stage's AMI shown (with --check: each is the recommended one)",
    1: "with --check: a stage's AMI is not the recommended one, or not found in its region",
    2: ERROR,
  },
  "ami set": {
    0: "the stages file holds the AMI (written, or already so)",
    2: `nothing written: ${FAILED}`,
  },
  "ami promote": {
    0: "the stages file holds the AMI (written, or already so)",
    2: `nothing written: ${FAILED}`,
  },
  "rollout watch": {
    0: "done: no instance of another AMI left and every service steady",
    1: "still pending at --timeout",
    2: ERROR,
    ...INTERRUPTED,
  },
  "balance check": {
    0: "every service with 2 or more tasks is spread (or --fix forced the new deployments)",
    1: "lopsided services found and listed (without --fix, or with --dry-run)",
    2: ERROR,
  },
  changes: {
    0: "judged: nothing refused, and the change is what --expect names",
    1: "the verdict fails: a STOP (a destructive change without --allow-destructive) or not what --expect names",
    2: "could not judge: a bad argument, a --plan file that is not a plan or not the named stage's, a region move, git or a synth failing (one line on stderr says which)",
    ...INTERRUPTED,
  },
  adopt: {
    0: "the mapping printed (with --write: stacks/imports/<stage>.json written)",
    2: `nothing written: ${FAILED}`,
  },
  "adopt hand-over": {
    0: "the hand-over shown (dry run), applied with --apply, or already done",
    2: `nothing changed: ${FAILED}, or a hand-over that is not safe (the line says why)`,
  },
};

/** The "Exit codes:" part of a command's `--help`. */
export function exitCodesHelp(command: string): string {
  const codes = Object.entries(EXIT_CODES[command]);
  return `Exit codes:\n${codes.map(([code, meaning]) => `  ${code.padStart(3)}  ${meaning}`).join("\n")}\n`;
}

/** docs/cli-exit-codes.md's table, from the same entries. */
export function exitCodesTable(): string {
  const rows = Object.entries(EXIT_CODES).flatMap(([command, codes]) =>
    Object.entries(codes).map(([code, meaning]) => `| \`${command}\` | ${code} | ${meaning} |`),
  );
  return ["| command | exit code | means |", "| --- | --- | --- |", ...rows].join("\n");
}
