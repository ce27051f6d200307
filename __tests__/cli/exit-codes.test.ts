import { readFileSync } from "node:fs";
import { EXIT_CODES, exitCodesTable } from "../../cli/format";
import { cli } from "./support";
import { generatedSection, tableCells } from "../support/generated-table";

/** Every command's `--help` says what each of its exit codes means, as docs/cli-exit-codes.md does. */

/** The commands the top-level help lists, by path (`ami latest`), and `adopt` (which has one below it). */
async function listedCommands(): Promise<string[]> {
  const { stdout } = await cli("--help");
  const list = stdout.slice(stdout.indexOf("All commands:\n")).split("\n\n")[0];
  const paths = list
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/ [[<]/)[0]);
  return [...paths, "adopt"];
}

describe("exit codes", () => {
  it("are given for every command, and only for commands", async () => {
    expect(Object.keys(EXIT_CODES).sort()).toEqual((await listedCommands()).sort());
  });

  it.each(Object.entries(EXIT_CODES))("%s --help says what each means", async (command, codes) => {
    const { code, stdout } = await cli(`${command} --help`);
    expect(code).toBe(0);
    const section = stdout.slice(stdout.indexOf("\nExit codes:\n"));
    for (const [exit, meaning] of Object.entries(codes)) {
      expect(section).toContain(`${exit.padStart(3)}  ${meaning}\n`);
    }
    expect(Object.keys(codes)).toEqual(expect.arrayContaining(["0", "2"]));
  });

  it("are what docs/cli-exit-codes.md lists", () => {
    const doc = readFileSync("docs/cli-exit-codes.md", "utf8");
    expect(tableCells(generatedSection(doc, "exit-codes"))).toEqual(tableCells(exitCodesTable()));
  });
});
