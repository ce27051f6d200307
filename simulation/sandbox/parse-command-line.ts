import { Command, CommanderError } from "commander";

/** The exit code of a command line the sandbox's programs refuse. */
export const EXIT_USAGE = 2;

/**
 * Parses `argv` with a program set to `exitOverride()`: undefined when the command should run,
 * else its exit code (0 after `--help`, EXIT_USAGE after commander's one-line error).
 */
export function parseCommandLine(program: Command, argv: readonly string[]): number | undefined {
  try {
    program.parse([...argv], { from: "user" });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    throw error;
  }
}
