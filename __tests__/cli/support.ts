import { readFileSync } from "node:fs";
import type { Clock, CliIo, InterruptSignal } from "../../cli/context";
import { virtualClock } from "../../simulation/clock";
import { runCli } from "../../cli/program";
import { STAGES_FIXTURE } from "../../simulation/amis";
import { writeStagesFile } from "../support/stages-file";

/** Shared by the CLI tests: the CLI run in-process on a copy of the stages file. */

export const START = Date.parse("2026-12-01T12:00:00Z");

/** The stages file's shape: stage name → its block. */
export type StagesJson = Record<string, Record<string, unknown>>;

/**
 * The tests' one stage builder: a private copy of the fixture, in a directory of its own (for
 * its `imports/`), that a test may change; with `edit`, its stages edited and written anew.
 */
export function copyOfStages(edit?: (stages: StagesJson) => void): string {
  const text = readFileSync(STAGES_FIXTURE, "utf8");
  if (edit === undefined) return writeStagesFile(text, "cli-stages-");
  const stages = JSON.parse(text) as StagesJson;
  edit(stages);
  return writeStagesFile(stages, "cli-stages-");
}

export interface RunOptions {
  readonly stagesFile?: string;
  readonly tty?: boolean;
  readonly clock?: Clock;
  /** Receives the CLI's Ctrl-C listener, so a test can press Ctrl-C. */
  readonly interrupt?: (press: () => void) => void;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process, as `apps-cluster <args>` would, capturing its output. */
export async function cli(args: string, options: RunOptions = {}): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { isTTY: options.tty ?? false, columns: 160, write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    env: { STAGES_FILE: options.stagesFile ?? STAGES_FIXTURE },
    clock: options.clock ?? virtualClock(START),
    onInterrupt: (listener) => {
      options.interrupt?.(() => listener("SIGINT"));
      return () => undefined;
    },
  };
  const code = await runCli(args.split(" ").filter(Boolean), io);
  return { code, stdout, stderr };
}

/**
 * Runs `apps-cluster changes <args>` in this process, in the current directory's repository
 * and its own stacks/stages.json (no STAGES_FILE); `onInterrupt` receives a way to press Ctrl-C
 * (or send another signal).
 */
export async function changesInRepo(
  args: string,
  onInterrupt?: (press: (signal?: InterruptSignal) => void) => void,
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: (text) => (stderr += text) },
    env: { ...process.env, STAGES_FILE: undefined },
    clock: virtualClock(START),
    onInterrupt: (listener) => {
      onInterrupt?.((signal = "SIGINT") => listener(signal));
      return () => undefined;
    },
  };
  const code = await runCli(["changes", ...args.split(" ").filter(Boolean)], io);
  return { code, stdout, stderr };
}

/** Output without the terminal control sequences of the live view. */
export function withoutAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/** Indexes of the lines that differ between two texts of the same number of lines. */
export function differingLines(before: string, after: string): number[] {
  const [a, b] = [before.split("\n"), after.split("\n")];
  if (a.length !== b.length) throw new Error(`line count changed: ${a.length} -> ${b.length}`);
  return a.flatMap((line, i) => (line === b[i] ? [] : [i]));
}
