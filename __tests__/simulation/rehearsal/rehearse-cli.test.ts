/**
 * `npm run rehearse`'s arguments: a bad one is one line naming it, and exit 2, before anything
 * is rehearsed (so these run without Terraform or the provider).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../config/config-error";
import { loadStages } from "../../../config/stages";
import { runRehearseCli } from "../../../simulation/rehearsal/rehearse-cli";

async function rehearse(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runRehearseCli(args, {
    out: (line) => out.push(line),
    err: (text) => err.push(text),
  });
  return { status, out, err: err.join("") };
}

describe("npm run rehearse", () => {
  it.each([
    [
      ["--stage", "qa"],
      "error: option '--stage <stage>' argument 'qa' is invalid. expected staging or production.",
    ],
    [
      ["--scenario", "stagin"],
      "error: option '--scenario <name>' argument 'stagin' is invalid. expected one of staging, production, ",
    ],
    [["--scenario", "staging", "--all"], "error: give --scenario or --all, not both"],
    [
      ["--scenario", "production", "--stage", "staging"],
      "error: scenario production rehearses production, not staging",
    ],
    [
      ["--concurrency", "0"],
      "error: option '--concurrency <n>' argument '0' is invalid. expected a whole number ≥ 1.",
    ],
    [["--bogus"], "error: unknown option '--bogus'"],
  ])("refuses %j with one line and exit 2", async (args, message) => {
    const { status, out, err } = await rehearse(...args);
    expect({ status, out }).toEqual({ status: 2, out: [] });
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain(message);
  });
});

describe("npm run rehearse with a stages file that does not load", () => {
  const home = process.cwd();
  afterEach(() => process.chdir(home));

  /** What `npm run synth` prints for the file (main.ts: `error: ` and the ConfigError's message). */
  function synthLine(path: string): string {
    try {
      loadStages(path);
    } catch (error) {
      if (error instanceof ConfigError) return `error: ${error.message}\n`;
    }
    throw new Error(`${path} loads`);
  }

  it.each([
    ["not JSON", '{ "staging": '],
    ["a stage edit in progress (a field left empty)", '{ "staging": { "amiId": "" } }'],
  ])("prints synth's one line for %s, exit 2, and rehearses nothing", async (_case, text) => {
    const dir = mkdtempSync(join(tmpdir(), "rehearse-stages-"));
    mkdirSync(join(dir, "stacks"));
    writeFileSync(join(dir, "stacks", "stages.json"), text);
    process.chdir(dir);
    const { status, out, err } = await rehearse();
    expect({ status, out, err }).toEqual({
      status: 2,
      out: [],
      err: synthLine("stacks/stages.json"),
    });
  });
});
