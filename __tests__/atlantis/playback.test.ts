import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { COMMITTED_AMI, NEW_AMI, STAGES_FIXTURE } from "../../simulation/amis";
import { startScriptedAccount, type ScriptedAccount } from "../../simulation/aws/scripted-account";
import {
  createOrigin,
  playPlan,
  type PlayResult,
  type Stage,
} from "../../simulation/atlantis/playback";
import {
  findRealProvider,
  installRealProvider,
} from "../../simulation/terraform/real-provider/mirror";

/**
 * Pull requests played through atlantis/repos.yaml and atlantis.yaml as Atlantis runs a plan
 * (simulation/atlantis/playback.ts): hooks, judges, Terraform with the real provider. A minute
 * or two, so it runs as a step of .ci/run (ATLANTIS_PLAYBACK=1), not in npm test.
 */

const enabled = process.env.ATLANTIS_PLAYBACK === "1";
const provider = findRealProvider();
if (!enabled) process.stderr.write("Skipping the Atlantis playback: set ATLANTIS_PLAYBACK=1\n");
if (enabled && "missing" in provider) throw new Error(provider.missing);

const GUARD =
  'run: apps-cluster-judge changes --base "origin/$BASE_BRANCH_NAME" --stage "$PROJECT_NAME"';
const VERDICT =
  'run: apps-cluster-judge changes --plan "$SHOWFILE" --base "origin/$BASE_BRANCH_NAME" --stage "$PROJECT_NAME"';

/** Replaces the first `from` in a file of the pull request's tree. */
const edit = (tree: string, file: string, from: string | RegExp, to: string) => {
  const full = path.join(tree, file);
  const text = fs.readFileSync(full, "utf8");
  if (!text.match(from)) throw new Error(`${file} has no ${String(from)}`);
  fs.writeFileSync(full, text.replace(from, to));
};
const newStagingAmi = (tree: string) => edit(tree, "stacks/stages.json", COMMITTED_AMI, NEW_AMI);

const stepsOf = (result: PlayResult, project: string) =>
  result.projects.find((p) => p.project === project)?.steps ?? [];
const lastStep = (result: PlayResult, project: string) => stepsOf(result, project).at(-1);
/** Each project's status and the step it ended with. */
const endings = (result: PlayResult) =>
  result.projects.map(({ project, status, steps }) => ({
    project,
    status,
    step: steps.at(-1)?.step,
    exitCode: steps.at(-1)?.exitCode,
  }));

/**
 * Plays the plan, and logs each step's time and, for a step that failed, what the comment
 * would show: the CI log then says where a pull request stopped and why.
 */
async function play(change: (tree: string) => void, only?: readonly string[]) {
  const result = await playPlan(stage, change, only);
  for (const { project, steps } of [
    { project: "hooks", steps: result.hooks },
    ...result.projects,
  ]) {
    for (const step of steps) {
      const said = step.exitCode === 0 ? "" : `\n${step.output}`;
      process.stderr.write(
        `${project}: ${step.seconds}s ${step.step} (exit ${step.exitCode})${said}\n`,
      );
    }
  }
  return result;
}

let stage: Stage;
// Terraform with the real provider waits on a loaded machine; a first run also builds the prior
// states (kept afterwards).
const PLAY_TIMEOUT_MS = 20 * 60_000;

(enabled ? describe : describe.skip)("a pull request played through atlantis/repos.yaml", () => {
  let aws: ScriptedAccount;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "atlantis-playback-"));

  beforeAll(async () => {
    // The base branch: this checkout's files as they are, with the CLI's stages fixture as the
    // stages file (the committed one holds placeholders, which the preflight refuses).
    const base = path.join(work, "base");
    const files = execFileSync("git", ["ls-files", "-z"], { encoding: "utf8" })
      .split("\0")
      .filter((file) => file !== "" && fs.existsSync(file));
    for (const file of files) fs.cpSync(file, path.join(base, file));
    fs.copyFileSync(STAGES_FIXTURE, path.join(base, "stacks/stages.json"));
    const origin = createOrigin(base, work);

    // The server's install cache, seeded with this checkout's node_modules for its lockfile
    // (the same tree npm ci installs), so only a lockfile of another tree runs npm ci.
    const cache = path.join(os.tmpdir(), "apps-cluster-atlantis-playback");
    const bin = path.resolve("atlantis/bin");
    const key = execFileSync(path.join(bin, "apps-cluster-install"), ["--key", base], {
      encoding: "utf8",
    }).trim();
    const seeded = path.join(cache, "node_modules", key);
    if (!fs.existsSync(seeded)) {
      fs.mkdirSync(path.dirname(seeded), { recursive: true });
      execFileSync("cp", ["-al", path.resolve("node_modules"), `${seeded}.${process.pid}`]);
      fs.renameSync(`${seeded}.${process.pid}`, seeded);
    }

    aws = await startScriptedAccount();
    aws.account.images[NEW_AMI] = {
      ...aws.account.images[COMMITTED_AMI],
      name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
    };
    // The server's environment: not jest's NODE_ENV, nor a stages file other than the clone's.
    const serverEnv = { ...process.env };
    delete serverEnv.NODE_ENV;
    delete serverEnv.STAGES_FILE;
    // Each stage's stack on the base branch, for the prior state its plan starts from.
    fs.symlinkSync(path.resolve("node_modules"), path.join(base, "node_modules"));
    execFileSync("npm", ["run", "-s", "synth"], {
      cwd: base,
      env: serverEnv,
    });
    const stackOf = (name: string) =>
      JSON.parse(fs.readFileSync(path.join(base, "cdktf.out/stacks", name, "cdk.tf.json"), "utf8"));

    stage = {
      origin,
      provider: installRealProvider(provider as { version: string; mirror: string }),
      baseStacks: { staging: stackOf("staging"), production: stackOf("production") },
      reposYaml: fs.readFileSync("atlantis/repos.yaml", "utf8"),
      env: {
        ...(serverEnv as Record<string, string>),
        ...aws.env,
        // The image puts atlantis/bin on PATH (atlantis/Dockerfile).
        PATH: `${bin}:${process.env.PATH}`,
        APPS_CLUSTER_CACHE: cache,
        CHECKPOINT_DISABLE: "1",
      },
    };
  }, PLAY_TIMEOUT_MS);

  afterAll(async () => {
    await aws?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it(
    "plans an AMI-only pull request of staging in both projects, and every step passes",
    async () => {
      const result = await play(newStagingAmi);
      expect(result.hooks.map((hook) => hook.exitCode)).toEqual([0]);
      expect(endings(result)).toMatchObject([
        {
          project: "staging",
          status: "planned",
          step: VERDICT,
          exitCode: 0,
        },
        {
          project: "production",
          status: "planned",
          step: VERDICT,
          exitCode: 0,
        },
      ]);
      expect(lastStep(result, "staging")).toMatchObject({ step: VERDICT, exitCode: 0 });
      expect(lastStep(result, "staging")?.output).toContain(
        "expect ami: pass (only amiId changed, and only what it replaces)",
      );
      expect(stepsOf(result, "production").find((s) => s.step === "plan")?.output).toContain(
        "No changes.",
      );
      // docs/atlantis.md shows this comment as it renders: its guard lines and verdict are these.
      const [, rendered] =
        /```diff\n([\s\S]*?)```/.exec(fs.readFileSync("docs/atlantis.md", "utf8")) ?? [];
      const lines = (text = "") => text.replace(/\([0-9a-f]{12}\)/g, "(commit)").split("\n");
      const guard = stepsOf(result, "staging").find((s) => s.step === GUARD)?.output;
      expect(lines(guard)).toEqual(expect.arrayContaining(lines(rendered).slice(0, 5)));
      expect(lines(lastStep(result, "staging")?.output)).toContain(lines(rendered).at(-2));
    },
    PLAY_TIMEOUT_MS,
  );

  it(
    "stops a cluster rename at the change guard, before Terraform runs",
    async () => {
      const result = await play(
        (tree) => edit(tree, "stacks/stages.json", '"apps-staging"', '"apps-staging-2"'),
        ["staging"],
      );
      expect(result.projects[0].status).toBe("errored");
      expect(lastStep(result, "staging")).toMatchObject({ step: GUARD, exitCode: 1 });
      expect(lastStep(result, "staging")?.output).toMatch(
        /staging: STOP replace of aws_ecs_cluster\.cluster/,
      );
    },
    PLAY_TIMEOUT_MS,
  );

  it(
    "stops it all the same when the pull request rewrites the guard and its step to pass everything",
    async () => {
      const result = await play(
        (tree) => {
          edit(tree, "stacks/stages.json", '"apps-staging"', '"apps-staging-2"');
          edit(
            tree,
            "ops/change-guard/destructive.ts",
            /\): string\[\] \{\n/,
            "): string[] {\n  return [];\n",
          );
          edit(tree, "atlantis/bin/apps-cluster-judge", /^set -euo pipefail$/m, "exit 0");
        },
        ["staging"],
      );
      expect(result.projects[0].status).toBe("errored");
      expect(lastStep(result, "staging")).toMatchObject({ step: GUARD, exitCode: 1 });
      expect(lastStep(result, "staging")?.output).toMatch(
        /STOP replace of aws_ecs_cluster\.cluster/,
      );
    },
    PLAY_TIMEOUT_MS,
  );

  it(
    "judges a pull request that changes the lockfile, the base synthesized from its own install",
    async () => {
      const result = await play(
        (tree) => {
          newStagingAmi(tree);
          edit(tree, "package.json", '"version": "0.1.0"', '"version": "0.1.1"');
          // The root's version, at the top and in the root entry: the installed tree is the same.
          edit(tree, "package-lock.json", '"version": "0.1.0"', '"version": "0.1.1"');
          edit(tree, "package-lock.json", '"version": "0.1.0"', '"version": "0.1.1"');
        },
        ["staging"],
      );
      expect(result.projects[0].status).toBe("planned");
      const guard = stepsOf(result, "staging").find((s) => s.step === GUARD);
      expect(guard?.output).toMatch(/staging: 3 touched \(stage settings changed: amiId\)/);
      expect(lastStep(result, "staging")?.output).toContain("expect ami: pass");
    },
    PLAY_TIMEOUT_MS,
  );

  it(
    "errors the plan of an AMI change that does more, so it cannot be applied",
    async () => {
      const result = await play(
        (tree) => {
          newStagingAmi(tree);
          edit(tree, "constructs/drain-failures.ts", "period: 300,", "period: 600,");
        },
        ["staging"],
      );
      expect(result.projects[0].status).toBe("errored");
      expect(stepsOf(result, "staging").find((s) => s.step === GUARD)?.exitCode).toBe(0);
      expect(lastStep(result, "staging")).toMatchObject({ step: VERDICT, exitCode: 1 });
      expect(lastStep(result, "staging")?.output).toContain(
        "staging: unexpected update of aws_cloudwatch_metric_alarm.instance_drain_failures",
      );
    },
    PLAY_TIMEOUT_MS,
  );
});
