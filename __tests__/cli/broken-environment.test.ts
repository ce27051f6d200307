import { execFile, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { clientConfig } from "../../cli/aws";
import { createTestRepo, type TestRepo } from "../support/git-repo";
import { cli } from "./support";
import { STAGES_FIXTURE } from "../../simulation/amis";
import { ConfigError } from "../../config/config-error";
import { checkStageCommand } from "../../scripts/stage-command";

/**
 * A half-broken laptop at 9 pm: an endpoint that never answers, a checkout that cannot be
 * written, no `npm ci` yet, environment variables with mistakes, no git. Each is one line naming
 * what is wrong, never a stack trace, never a hang.
 */

// Each case starts node (and some npm): seconds on a busy machine.
jest.setTimeout(60_000);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a program to its end, as a shell would. */
function runProgram(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(command, args, options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      done({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** An operator's shell with static credentials and nothing of this machine's AWS set-up. */
function awsEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")),
  );
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    STAGES_FILE: resolve(STAGES_FIXTURE),
    ...extra,
  };
}

const runBin = (args: readonly string[], env: NodeJS.ProcessEnv, cwd = process.cwd()) =>
  runProgram(process.execPath, [join(cwd, "bin/apps-cluster.cjs"), ...args], { env, cwd });

describe("AWS that does not answer", () => {
  let server: Server;
  let url: string;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts every connection and never answers.
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((closed) => server.close(closed));
  });

  it("rollout watch --timeout ends the whole command at about the timeout, exit 1", async () => {
    const result = await runBin(
      ["rollout", "watch", "staging", "--timeout", "1s"],
      awsEnvironment({ AWS_ENDPOINT_URL: url }),
    );
    expect(result).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "error: rollout watch staging: timed out after 1s; still pending: not read yet\n",
    });
    // Node's start-up and the bundle check on a busy machine, not the SDK's 3 × 10 s.
    expect(result.seconds).toBeLessThan(9);
  });

  it("rollout watch stops on Ctrl-C while a call hangs, exit 130", async () => {
    const child = spawn(process.execPath, ["bin/apps-cluster.cjs", "rollout", "watch", "staging"], {
      env: awsEnvironment({ AWS_ENDPOINT_URL: url }),
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    // Once the call has reached the endpoint, which never answers.
    const connected = sockets.length;
    while (sockets.length === connected) await new Promise((wait) => setTimeout(wait, 50));
    const pressed = Date.now();
    child.kill("SIGINT");
    const code = await new Promise((done) => child.on("close", done));
    expect({ code, stdout }).toEqual({
      code: 130,
      stdout: "stopped; still pending on staging (apps-staging, us-east-1): not read yet\n",
    });
    expect(Date.now() - pressed).toBeLessThan(3_000);
  });

  it("check ends at its --timeout with one line, exit 2", async () => {
    const result = await runBin(
      ["check", "staging", "--timeout", "1s"],
      awsEnvironment({ AWS_ENDPOINT_URL: url }),
    );
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr:
        "error: check staging: AWS did not answer within 1s (--timeout); nothing of staging was checked\n",
    });
  });

  it("every client is made with the SDK's connection and request timeouts, which throw", async () => {
    const { requestHandler } = await clientConfig("us-east-1", undefined, {});
    // The handler resolves its options on its first request; an aborted one is enough.
    const request = { protocol: "http:", hostname: "127.0.0.1", method: "GET", path: "/" };
    await requestHandler
      .handle(request as never, { abortSignal: AbortSignal.abort() })
      .catch(() => undefined);
    expect(requestHandler.httpHandlerConfigs()).toMatchObject({
      connectionTimeout: 5_000,
      requestTimeout: 10_000,
      throwOnRequestTimeout: true,
    });
  });
});

/** Each mistake: its name, the command, the variables that make it, the one line it gets. */
const AWS_MISTAKES: [string, string[], Record<string, string>, string][] = [
  [
    "an AWS_ENDPOINT_URL that is not a URL",
    ["ami", "latest"],
    { AWS_ENDPOINT_URL: "localhost:4566" },
    'error: AWS_ENDPOINT_URL must be an http(s) URL like http://localhost:4566, got "localhost:4566"; fix it, or unset it to reach AWS itself\n',
  ],
  [
    "a service's endpoint variable that is not a URL",
    ["ami", "latest"],
    { AWS_ENDPOINT_URL_SSM: "not a url" },
    'error: AWS_ENDPOINT_URL_SSM must be an http(s) URL like http://localhost:4566, got "not a url"; fix it, or unset it to reach AWS itself\n',
  ],
  [
    "an AWS_PROFILE that no config file has",
    ["ami", "latest"],
    { AWS_PROFILE: "cob-prod" },
    'error: AWS profile "cob-prod" (AWS_PROFILE) is in neither /nonexistent/config nor /nonexistent/credentials; "aws configure list-profiles" lists the profiles there\n',
  ],
  [
    "a malformed --region",
    ["ami", "latest", "--region", "us-east1"],
    {},
    "error: option '--region <region>' argument 'us-east1' is invalid. must be an AWS region (did you mean us-east-1?).\n",
  ],
  [
    "a --region that does not exist",
    ["ami", "latest", "--region", "us-north-9"],
    {},
    "error: option '--region <region>' argument 'us-north-9' is invalid. must be an AWS region like us-east-1 (the AWS SDK's partition data has none by that name; us- regions: us-east-1, us-east-2, us-west-1, us-west-2, us-iso-east-1, us-iso-west-1, …).\n",
  ],
];

describe("a mistake in the AWS environment", () => {
  test.each(AWS_MISTAKES)("%s is one line, exit 2", async (_case, args, extra, message) => {
    // In this process, with the environment the CLI's checks and the SDK read set for the run.
    const saved = process.env;
    process.env = awsEnvironment({ AWS_ENDPOINT_URL: "http://127.0.0.1:9", ...extra });
    const result = await cli(args.join(" ")).finally(() => (process.env = saved));
    expect(result).toEqual({ code: 2, stdout: "", stderr: message });
  });

  it("is one line and exit 2 from the program too", async () => {
    const [, args, extra, message] = AWS_MISTAKES.find(([, , extra]) => "AWS_PROFILE" in extra)!;
    const result = await runBin(
      args,
      awsEnvironment({ AWS_ENDPOINT_URL: "http://127.0.0.1:9", ...extra }),
    );
    expect(result).toMatchObject({ code: 2, stdout: "", stderr: message });
  });
});

describe("a reader that stops early", () => {
  it("ends the command with its own exit code and no stack trace when the pipe closes (| head)", async () => {
    const child = spawn(process.execPath, ["bin/apps-cluster.cjs", "--help"]);
    // Closed before the CLI has started: every line it writes meets a closed pipe.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((done) => child.on("close", done));
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  });
});

describe("a checkout the CLI cannot write, or without npm ci", () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });

  it("runs --help from a bundle in the temporary folder when build/ cannot be written", async () => {
    rmSync(join(repo.dir, "build"), { recursive: true, force: true });
    // A file where the folder should be: what a read-only checkout gives, even to root.
    writeFileSync(join(repo.dir, "build"), "");
    const temporary = mkdtempSync(join(tmpdir(), "cli-tmp-"));
    const result = await runBin(["--help"], { ...process.env, TMPDIR: temporary }, repo.dir);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("  ami set [options] <stage> <ami-id>\n");
    // Its bundle is removed when it exits.
    expect(readdirSync(temporary)).toEqual([]);
  });

  it("says in one line what could not be written and where when no folder can be", async () => {
    const result = await runBin(
      ["--help"],
      { ...process.env, TMPDIR: join(repo.dir, "build", "nowhere") },
      repo.dir,
    );
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `error: cannot write the CLI's bundle to ${join(repo.dir, "build")} nor to ${join(repo.dir, "build", "nowhere")} (ENOTDIR); make one of them writable (or set TMPDIR)\n`,
    });
  });

  it('says "run npm ci first" when node_modules lacks a package the CLI needs', async () => {
    rmSync(join(repo.dir, "build"), { recursive: true, force: true });
    rmSync(join(repo.dir, "node_modules"));
    mkdirSync(join(repo.dir, "node_modules"));
    for (const name of readdirSync("node_modules")) {
      if (name === "commander") continue;
      symlinkSync(resolve("node_modules", name), join(repo.dir, "node_modules", name));
    }
    const result = await runBin(["--help"], process.env, repo.dir);
    rmSync(join(repo.dir, "node_modules"), { recursive: true });
    symlinkSync(resolve("node_modules"), join(repo.dir, "node_modules"));
    // Whichever file esbuild reports first.
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(
      /^error: cannot bundle the CLI: Could not resolve "commander" \(from cli\/[\w-]+\.ts\); run npm ci first\n$/,
    );
    // The folder it would have bundled into is gone again.
    expect(readdirSync(join(repo.dir, "build"))).toEqual([]);
  });

  it('says "run npm ci first" without node_modules', async () => {
    rmSync(join(repo.dir, "build"), { recursive: true, force: true });
    rmSync(join(repo.dir, "node_modules"));
    const result = await runBin(["--help"], process.env, repo.dir);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr: `error: cannot load esbuild from ${join(repo.dir, "node_modules")}; run npm ci first\n`,
    });
    expect(existsSync(join(repo.dir, "build"))).toBe(false);
  });
});

describe("changes without a working git", () => {
  it("says git is missing when it is not on PATH", async () => {
    const result = await runBin(["changes"], { ...process.env, PATH: "/nonexistent" });
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr:
        "error: git is not installed or not on PATH (/nonexistent); the change guard needs it to check out the base commit\n",
    });
  });

  it("names what git could not write when the clone's .git cannot take a worktree", async () => {
    const repo = createTestRepo();
    repo.commit("the project");
    // A file where git keeps its worktrees: what a read-only clone gives, even to root.
    writeFileSync(join(repo.dir, ".git", "worktrees"), "");
    const env = { ...process.env };
    delete env.STAGES_FILE;
    // Without the synth cache: a base synthesized by an earlier run needs no worktree.
    const result = await runBin(["changes", "--base", "HEAD", "--no-cache"], env, repo.dir);
    expect(result).toMatchObject({
      code: 2,
      stdout: "",
      stderr:
        "error: git worktree add failed (fatal: could not create leading directories of '.git/worktrees/tree': Not a directory); the change guard checks the base commit out in a temporary worktree, which git registers in .git/worktrees: run it in a writable clone\n",
    });
  });
});

describe("npm run diff and deploy check first", () => {
  /** The checks' verdict for `npm run <args>`, in this process with `env` as its environment. */
  async function checked(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
    const saved = process.env;
    process.env = env;
    try {
      await checkStageCommand(args);
      return "passed";
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return `error: ${error.message}\n`;
    } finally {
      process.env = saved;
    }
  }

  /** An operator's shell without credentials, `extra` added. */
  function withoutCredentials(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env = awsEnvironment(extra);
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    return env;
  }

  test.each<[string, string[], Record<string, string>, string]>([
    [
      "diff without credentials",
      ["diff", "staging"],
      {},
      'error: no AWS credentials for staging (Could not load credentials from any providers); set AWS_PROFILE (and run "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY\n',
    ],
    [
      "deploy with a profile no config file has",
      ["deploy", "production"],
      { AWS_PROFILE: "cob-prod" },
      'error: AWS profile "cob-prod" (AWS_PROFILE) is in neither /nonexistent/config nor /nonexistent/credentials; "aws configure list-profiles" lists the profiles there\n',
    ],
    [
      "diff with an option's value before the stage",
      ["diff", "--var-file", "local.tfvars", "production"],
      {},
      'error: no AWS credentials for production (Could not load credentials from any providers); set AWS_PROFILE (and run "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY\n',
    ],
    [
      "deploy with a stage that does not exist",
      ["deploy", "prod"],
      {},
      'error: unknown stage "prod" (did you mean production? npm run deploy -- <staging|production>)\n',
    ],
    [
      "deploy of a stage with placeholders left",
      ["deploy", "staging"],
      { STAGES_FILE: "stacks/stages.json" },
      'error: stacks/stages.json: placeholders left in staging (subnetIds[0], securityGroupIds[0], instanceProfileName, stateBucket); replace each "PLACEHOLDER:..." value with the real one first (nothing was sent to AWS)\n',
    ],
    [
      "diff without a stage",
      ["diff"],
      {},
      "error: name a stage: npm run diff -- <staging|production>\n",
    ],
  ])("npm run %s is refused in one line", async (_case, args, extra, message) => {
    expect(await checked(args, withoutCredentials(extra))).toBe(message);
  });

  it("runs those checks in npm run diff, and exits 2 with their line", async () => {
    const result = await runProgram("npm", ["run", "--silent", "diff", "--", "staging"], {
      env: withoutCredentials(),
    });
    expect({
      ...result,
      stderr: result.stderr.replace(/^npm (error|ERR!).*\n?/gm, ""),
    }).toMatchObject({
      code: 2,
      stdout: "",
      stderr:
        'error: no AWS credentials for staging (Could not load credentials from any providers); set AWS_PROFILE (and run "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY\n',
    });
  });
});

describe("the in-process CLI", () => {
  it("refuses a --timeout longer than a day, which Node's timers cannot hold", async () => {
    const result = await cli("rollout watch staging --timeout 1000h");
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "error: option '--timeout <duration>' argument '1000h' is invalid. expected at most 24h.\n",
    });
  });

  it("refuses a malformed --region before any AWS call", async () => {
    const result = await cli("ami latest --region US-EAST-1");
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "error: option '--region <region>' argument 'US-EAST-1' is invalid. must be an AWS region (did you mean us-east-1?).\n",
    });
  });
});
