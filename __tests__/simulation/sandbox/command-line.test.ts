/**
 * What the sandbox's commands refuse before they start anything: bad flags, an environment that
 * could reach past loopback, an apply with no sandbox behind it. Each is one line and exit 2.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { pointsPastLoopback } from "../../../simulation/sandbox/loopback-only";
import { EXIT_USAGE, parseCommandLine } from "../../../simulation/sandbox/parse-command-line";
import { sandboxProgram } from "../../../simulation/sandbox/sandbox";

const PROJECT = path.resolve(__dirname, "..", "..", "..");
const withoutAws = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")),
);

async function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  try {
    await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", `simulation/sandbox/${script}`, ...args],
      { cwd: PROJECT, env: { ...withoutAws, ...env } },
    );
    return { code: 0, stderr: "" };
  } catch (error) {
    const { code, stderr } = error as { code: number; stderr: string };
    return { code, stderr };
  }
}

describe("npm run sandbox", () => {
  test.each([
    [
      ["--fault", "power-cut"],
      /^error: option '--fault <name>' argument 'power-cut' is invalid\. expected one of never-registers, unhealthy-tasks, long-drain, throttled-ecs\.\n$/,
    ],
    [
      ["--rate", "0"],
      /^error: option '--rate <n>' argument '0' is invalid\. expected a number from 1 to 20 \(AWS seconds per real second\)\.\n$/,
    ],
    [["--rate", "fast"], /^error: option '--rate <n>' argument 'fast' is invalid\./],
  ])("refuses %j in one line, exit 2", (args, message) => {
    let stderr = "";
    const program = sandboxProgram().configureOutput({ writeErr: (text) => (stderr += text) });
    expect(parseCommandLine(program, args)).toBe(EXIT_USAGE);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("refuses a bad flag before it starts anything, as a program: one line, exit 2", async () => {
    const result = await run("sandbox.ts", ["--rate", "0"]);
    expect(result).toEqual({
      code: 2,
      stderr:
        "error: option '--rate <n>' argument '0' is invalid. expected a number from 1 to 20 (AWS seconds per real second).\n",
    });
  }, 60_000);

  it("refuses to start when AWS_ENDPOINT_URL points past this machine", async () => {
    const result = await run("sandbox.ts", [], {
      AWS_ENDPOINT_URL: "https://ecs.us-east-1.amazonaws.com",
    });
    expect(result).toEqual({
      code: 2,
      stderr:
        "error: AWS_ENDPOINT_URL=https://ecs.us-east-1.amazonaws.com points past this machine; unset it first\n",
    });
  }, 60_000);
});

describe("npm run sandbox:apply", () => {
  it("refuses a stages file no sandbox runs for, in one line", async () => {
    const result = await run("apply.ts", ["staging"], { STAGES_FILE: "stacks/stages.json" });
    expect(result).toEqual({
      code: 2,
      stderr:
        "error: stacks/stages.json is not a running sandbox's stages file; start one with npm run sandbox and use the STAGES_FILE it prints\n",
    });
  }, 60_000);
});

describe("pointsPastLoopback", () => {
  test.each([
    [{ AWS_ENDPOINT_URL: "http://127.0.0.1:4566" }, undefined],
    [{ AWS_ENDPOINT_URL: "http://localhost:4566", AWS_PROFILE: "ops" }, undefined],
    [{ AWS_ENDPOINT_URL: "http://10.0.0.5:4566" }, /points past this machine/],
    [{ AWS_ENDPOINT_URL: "https://127.0.0.1:4566" }, /points past this machine/],
    [{ AWS_ENDPOINT_URL_ECS: "http://127.0.0.1:1" }, /would outrank the sandbox's endpoint/],
    [{ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, /ignore the sandbox's endpoint/],
  ])("%j: %s", (env, expected) => {
    const refusal = pointsPastLoopback(env);
    if (expected === undefined) expect(refusal).toBeUndefined();
    else expect(refusal).toMatch(expected);
  });
});
