/**
 * `npm run rehearse`'s arguments: a bad one is one line naming it, and exit 2, before anything
 * is rehearsed (so these run without Terraform or the provider).
 */
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
