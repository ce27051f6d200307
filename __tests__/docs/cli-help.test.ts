import { readFileSync } from "node:fs";
import {
  CLI_REFERENCE,
  helpMarkers,
  shownHelp,
  withCurrentHelp,
} from "../../scripts/generate-cli-help";

/**
 * docs/cli.md shows each command's `--help` as the command prints it (`npm run docs:generate`
 * copies them), and has one for every command the CLI lists.
 */

const reference = readFileSync(CLI_REFERENCE, "utf8");
let current: string;
beforeAll(async () => {
  current = await withCurrentHelp(reference);
}, 60_000);

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
