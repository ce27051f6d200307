import { readFileSync } from "node:fs";
import { runCli } from "../../cli/program";
import { virtualClock } from "../../simulation/clock";
import {
  CLI_REFERENCE,
  helpMarkers,
  shownHelp,
  withCurrentHelp,
} from "../../scripts/generate-cli-help";

/**
 * docs/cli.md shows each command's `--help` as the command prints it (`npm run docs:generate`
 * copies them from the bin, in a pipe), and has one for every command the CLI lists.
 */

/**
 * What `apps-cluster <args>` prints, from the bin's program run in this process: output that is
 * not the process's own wraps at 80 columns without colour, as the bin's does in a pipe; no
 * STAGES_FILE, so the `--stages-file` default is the committed one.
 */
async function helpInProcess(args: string): Promise<string> {
  let stdout = "";
  await runCli(args.split(" "), {
    stdout: { write: (text) => (stdout += text) },
    stderr: { write: () => true },
    env: {},
    clock: virtualClock(0),
    onInterrupt: () => () => undefined,
  });
  return stdout;
}

const reference = readFileSync(CLI_REFERENCE, "utf8");
let current: string;
beforeAll(async () => {
  current = await withCurrentHelp(reference, helpInProcess);
});

describe("docs/cli.md", () => {
  it.each(helpMarkers(reference))("shows what `npm run cluster -- %s` prints", (args) => {
    expect(shownHelp(reference, args)).toBe(shownHelp(current, args));
  });

  it("shows the help of every command `--help` lists", () => {
    // After "All commands:", one line per leaf command with its usage: `  ami latest [options]`.
    const topLevel = shownHelp(current, "--help") ?? "";
    const [, list = ""] = /^All commands:\n((?: {2}.+\n)+)/m.exec(topLevel) ?? [];
    const listed = list
      .trimEnd()
      .split("\n")
      .map((line) => line.trim().split(/ [[<]/)[0]);
    const shown = new Set(helpMarkers(reference));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((command) => !shown.has(`${command} --help`))).toEqual([]);
  });
});
