/**
 * One practice run through the sandbox, the runbook's commands in order, as a person types them
 * in a second terminal: the sandbox started as `npm run sandbox` starts it, its export lines
 * taken as printed, staging then production rolled onto the AMI the simulation published, the
 * spread checked and fixed, and the sandbox stopped with Ctrl-C. It takes minutes (Terraform
 * and the provider wait in real time), so `npm test` skips it unless `SANDBOX=1`;
 * `SANDBOX_TRANSCRIPT=<file>` also writes what was typed and printed (docs/practise.md).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { NEW_AMI } from "../../../simulation/amis";
import { rehearsalUnavailable } from "../../../simulation/rehearsal/rehearsal";

const PROJECT = path.resolve(__dirname, "..", "..", "..");
const unavailable =
  process.env.SANDBOX === "1" ? rehearsalUnavailable() : "set SANDBOX=1 to run (minutes)";
const describeSandbox = unavailable === undefined ? describe : describe.skip;

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without the shell's AWS set-up, as the sandbox's `unset` line leaves it. */
const withoutAws = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")),
);

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<Ran>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describeSandbox(`a practice run${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let sandbox: ChildProcess;
  let sandboxOutput = "";
  let checkout = "";
  let env: NodeJS.ProcessEnv = {};
  const transcript: string[] = [];

  /** `npm run -s <script> -- <args>` in the practice checkout, kept for the transcript. */
  const npm = async (script: string, ...args: string[]): Promise<Ran> => {
    const ran = await run("npm", ["run", "-s", script, "--", ...args], checkout, env);
    transcript.push(`$ npm run ${script} -- ${args.join(" ")}`, ran.stdout + ran.stderr);
    return ran;
  };
  const cluster = (...args: string[]) => npm("cluster", ...args);
  /** The apply and `rollout watch` at once, as in two terminals. */
  const applyWhileWatching = async (stage: string) => {
    const [applied, watched] = await Promise.all([
      run("npm", ["run", "-s", "sandbox:apply", "--", stage], checkout, env),
      cluster("rollout", "watch", stage, "--interval", "3s"),
    ]);
    transcript.push(`$ npm run sandbox:apply -- ${stage}   (in a third terminal)`, tail(applied));
    return { applied, watched };
  };

  beforeAll(async () => {
    sandbox = spawn(
      process.execPath,
      ["--import", "tsx", "simulation/sandbox/sandbox.ts", "--rate", "20"],
      { cwd: PROJECT, env: { ...withoutAws, CHECKPOINT_DISABLE: "1" } },
    );
    sandbox.stdout?.on("data", (chunk: Buffer) => (sandboxOutput += chunk.toString()));
    sandbox.stderr?.on("data", (chunk: Buffer) => (sandboxOutput += chunk.toString()));
    await new Promise<void>((ready, failed) => {
      sandbox.stdout?.on("data", () => {
        if (sandboxOutput.includes("export STAGES_FILE=")) ready();
      });
      sandbox.on("exit", () => failed(new Error(`the sandbox ended:\n${sandboxOutput}`)));
    });
    checkout = /^\s*cd (\S+)$/m.exec(sandboxOutput)?.[1] ?? "";
    const exported = [...sandboxOutput.matchAll(/^\s*export (\w+)=(\S+)$/gm)];
    env = {
      ...withoutAws,
      ...Object.fromEntries(exported.map(([, name, value]) => [name, value])),
    };
  }, 600_000);

  afterAll(() => {
    if (sandbox.exitCode === null) sandbox.kill("SIGKILL");
    if (process.env.SANDBOX_TRANSCRIPT)
      fs.writeFileSync(process.env.SANDBOX_TRANSCRIPT, transcript.join("\n"));
  });

  it("points the CLI at loopback only, with the stages file of its practice checkout", () => {
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.STAGES_FILE).toBe(path.join(checkout, "stacks", "stages.json"));
    expect(fs.readFileSync(env.STAGES_FILE ?? "", "utf8")).not.toContain("PLACEHOLDER:");
  });

  it("rolls staging, then production, onto the AMI the simulation published", async () => {
    const check = await cluster("check", "--all");
    expect(check.code).toBe(0);
    expect(check.stdout.match(/no findings; 8 of 8 checks ran/g)).toHaveLength(2);

    const latest = await cluster("ami", "latest");
    expect(latest.stdout.trim()).toBe(NEW_AMI);

    expect((await cluster("ami", "set", "staging", "latest")).code).toBe(0);
    const stagingChanges = await cluster("changes", "--stage", "staging", "--expect", "ami");
    expect(stagingChanges.stdout).toContain("expect ami: pass");
    expect(stagingChanges.code).toBe(0);

    const staging = await applyWhileWatching("staging");
    expect(staging.applied.code).toBe(0);
    expect(staging.watched.stdout).toMatch(/DRAINING/);
    expect(staging.watched.stdout).toContain(`every container instance runs ${NEW_AMI}`);
    expect(staging.watched.code).toBe(0);
    // The pull request merged: production's change is judged against staging's.
    await run("git", ["commit", "-qam", "staging onto the new AMI"], checkout, env);

    expect((await cluster("ami", "promote")).code).toBe(0);
    const productionChanges = await cluster("changes", "--stage", "production", "--expect", "ami");
    expect(productionChanges.stdout).toContain("expect ami: pass");

    const production = await applyWhileWatching("production");
    expect(production.applied.code).toBe(0);
    expect(production.watched.stdout).toContain(`every container instance runs ${NEW_AMI}`);
    expect(production.watched.code).toBe(0);
  }, 1_200_000);

  it("finds the service the rollout left on one instance, and --fix spreads it", async () => {
    const lopsided = await cluster("balance", "check", "production");
    expect(lopsided.stdout).toMatch(/all 2 running tasks on one instance/);
    expect(lopsided.code).toBe(1);

    expect((await cluster("balance", "check", "production", "--fix")).code).toBe(0);
    expect((await cluster("rollout", "watch", "production", "--interval", "3s")).code).toBe(0);
    const spread = await cluster("balance", "check", "production");
    expect(spread.stdout).toContain("spread over instances and AZs");
    expect(spread.code).toBe(0);
  }, 600_000);

  it("stops on Ctrl-C with exit 130, having dropped no request, and removes its checkout", async () => {
    const exited = new Promise<number | null>((resolve) => sandbox.on("exit", resolve));
    sandbox.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(sandboxOutput).toMatch(/requests to the apps: [1-9]\d* sent, 0 dropped/);
    expect(fs.existsSync(checkout)).toBe(false);
  }, 60_000);
});

/** The end of an apply's output: its last resources and its summary. */
function tail(ran: Ran): string {
  return (ran.stdout + ran.stderr).trimEnd().split("\n").slice(-6).join("\n");
}
