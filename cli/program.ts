import { Command, CommanderError } from "commander";
import { version } from "../package.json";
import { adoptCommands } from "./adopt";
import { amiCommands } from "./ami";
import { balanceCommands } from "./balance";
import { changesCommands } from "./changes";
import { checkCommands } from "./check";
import { CliContext, EXIT_ERROR, type CliIo, type CommandGroup } from "./context";
import { describeKnownError } from "./errors";
import { EXIT_CODES, exitCodesHelp } from "./format";
import { rolloutCommands } from "./rollout";

/** The command groups, in the order `--help` lists them; a new group is one more entry. */
const COMMAND_GROUPS: readonly CommandGroup[] = [
  checkCommands,
  amiCommands,
  rolloutCommands,
  balanceCommands,
  changesCommands,
  adoptCommands,
];

/**
 * Runs the CLI on `argv` (the arguments after the program name) and returns the exit code.
 * Usage errors are commander's; known runtime errors print one line; bugs keep their stack.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command("apps-cluster");
  const context = new CliContext(io, program);
  // Commander's own choices for the process's streams: their terminal's width and colours.
  const standard = program.configureOutput();
  program
    .description(
      "Operator commands for the apps ECS cluster: preflight check, AMI rollout, watch, task balance, the change guard, adoption.",
    )
    .version(version, "-V, --version", "print the version (package.json's) and exit")
    .option(
      "--stages-file <path>",
      "the stages file (env STAGES_FILE)",
      io.env.STAGES_FILE ?? "stacks/stages.json",
    )
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Output going elsewhere (a test's in-process run) wraps at 80 columns, without colour,
      // as commander's does in a pipe.
      getOutHelpWidth: () =>
        (io.stdout === process.stdout ? standard.getOutHelpWidth?.() : undefined) ?? 80,
      getErrHelpWidth: () =>
        (io.stderr === process.stderr ? standard.getErrHelpWidth?.() : undefined) ?? 80,
      getOutHasColors: () => io.stdout === process.stdout && standard.getOutHasColors?.() === true,
      getErrHasColors: () => io.stderr === process.stderr && standard.getErrHasColors?.() === true,
    });
  for (const register of COMMAND_GROUPS) register(program, context);
  for (const [command, path] of commandPaths(program)) {
    if (Object.hasOwn(EXIT_CODES, path)) command.addHelpText("after", exitCodesHelp(path));
  }
  program.addHelpText(
    "after",
    () =>
      `\nAll commands:\n${commandList(program)}\n` +
      "Example (the whole rollout is in the README):\n  $ npm run cluster -- ami set staging latest\n",
  );

  try {
    await program.parseAsync([...argv], { from: "user" });
    return context.exitCode;
  } catch (error) {
    // Commander has already printed its help or its one-line usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_ERROR;
    const line = describeKnownError(error, io.env);
    if (line === undefined) throw error;
    io.stderr.write(`error: ${line}\n`);
    return EXIT_ERROR;
  }
}

/** Every command below the program, by its path as typed: `check`, `ami`, `ami latest`. */
function commandPaths(program: Command): [Command, string][] {
  const walk = (command: Command, prefix: string): [Command, string][] =>
    command.commands.flatMap((child) => {
      const path = `${prefix}${child.name()}`;
      return [[child, path] as [Command, string], ...walk(child, `${path} `)];
    });
  return walk(program, "");
}

/**
 * Every leaf command with its usage, so the top-level help shows the whole CLI at once: a
 * group's subcommands (`ami latest ...`), or a command that stands alone (`adopt <stage> ...`).
 */
function commandList(program: Command): string {
  const lines = program.commands.flatMap((group) =>
    group.commands.length === 0
      ? [`  ${group.name()} ${group.usage()}`]
      : group.commands.map((command) => `  ${group.name()} ${command.name()} ${command.usage()}`),
  );
  return `${lines.join("\n")}\n`;
}
