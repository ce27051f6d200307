import { constants } from "node:os";
import type { Command } from "commander";
import type { StageName, Stages } from "../config/stages";

/** Exit codes: 1 means "a check found something" (scriptable), 2 means the command failed. */
export const EXIT_FINDING = 1;
export const EXIT_ERROR = 2;

/**
 * The signals a command stops cleanly on (a temporary worktree removed, a watch summarized):
 * Ctrl-C, a CI job or Atlantis cancelling the run (TERM), its terminal going away (HUP).
 */
export const INTERRUPT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** What a shell reports for a process the signal ended, 128 + its number: 130, 143, 129. */
export function exitCodeOf(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** Time as the commands see it; tests pass a virtual clock so no test really waits. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with an AbortError as soon as `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** A stream the commands write to; `isTTY` picks the live view over plain lines. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Everything a command touches outside its arguments, so tests can run it in-process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** Calls `listener` on each of INTERRUPT_SIGNALS until the returned function is called. */
  onInterrupt(listener: (signal: InterruptSignal) => void): () => void;
}

/** What a command group's actions share: output, the stages file, the exit code to return. */
export class CliContext {
  /** Set by an action that ends with a finding or an interruption rather than an error. */
  exitCode = 0;

  constructor(
    readonly io: CliIo,
    private readonly program: Command,
  ) {}

  out(line = ""): void {
    this.io.stdout.write(`${line}\n`);
  }

  warn(line: string): void {
    this.io.stderr.write(`warning: ${line}\n`);
  }

  get stagesFile(): string {
    return this.program.opts<{ stagesFile: string }>().stagesFile;
  }

  /**
   * Reads and validates the stages file exactly as synth does (loaded on first use); each of
   * `stageNames` must be one of its stages.
   */
  async loadStages(...stageNames: readonly StageName[]): Promise<Stages> {
    const { readStages, unknownStage } = await import("../config/stages");
    const { ConfigError } = await import("../config/config-error");
    const stages = readStages(this.stagesFile);
    for (const name of stageNames) {
      const problem = unknownStage(stages, name, this.stagesFile);
      if (problem !== undefined) throw new ConfigError(problem);
    }
    return stages;
  }
}

/** A command group file (`cli/ami.ts`, ...) adds its commands to the program. */
export type CommandGroup = (program: Command, context: CliContext) => void;
