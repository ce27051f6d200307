/**
 * A pull request played through atlantis/repos.yaml and the repository's atlantis.yaml the way
 * Atlantis v0.47.1 runs a plan command (docs/atlantis.md, "The executed test"): a clone of the
 * base branch with the pull request merged (working_dir.go: clone --branch <base>
 * --single-branch, fetch the pull request's head, merge --no-ff), the pre-workflow hooks whose
 * `commands` name plan in the clone's root (pre_workflow_hooks_command_runner.go), then each
 * project's plan steps in its dir, a run step with the environment run_step_runner.go gives it.
 * Atlantis's own init, plan and show are played by Terraform with the real provider, offline
 * (the stack converted for 5.100.0 and planned against a no-op prior state of the base's stack).
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v from "valibot";
import { parse } from "yaml";
import type { SynthesizedDocument } from "../../change-set/document";
import { TerraformWorkspace } from "../terraform/harness";
import { forRealProvider } from "../terraform/real-provider/convert";
import type { RealProvider } from "../terraform/real-provider/mirror";
import { noOpState, resourceSchemas } from "../terraform/real-provider/prior-state";
import { KeptPlansWorkspace } from "../terraform/real-provider/kept-plans";
import { atlantisServerConfig, type AtlantisStep } from "./server-config";

/** The base branch, the repository's id and the pull request's number and branch. */
export const BASE_BRANCH = "main";
export const REPO_ID = "github.com/CityOfBoston/digital-apps-cluster";
const PULL_NUM = 7;
const HEAD_BRANCH = "change";

/** What one step printed and how it ended. */
export interface StepResult {
  /** `run: <command>` or the name of a built-in step. */
  readonly step: string;
  readonly exitCode: number;
  readonly output: string;
  readonly seconds: number;
}

/** A project's plan: its steps until the first that failed; errored plans cannot be applied. */
export interface ProjectPlan {
  readonly project: string;
  readonly steps: readonly StepResult[];
  /** Planned: every step passed (apply_plan_validator.go lets only such a plan be applied). */
  readonly status: "planned" | "errored";
}

export interface PlayResult {
  /** The hooks' output; a failed hook stops the command (--fail-on-pre-workflow-hook-error). */
  readonly hooks: readonly StepResult[];
  readonly projects: readonly ProjectPlan[];
}

/** Where the playback keeps what it makes once: the base repository and the server's caches. */
export interface Stage {
  /** The bare origin, with the base branch. */
  readonly origin: string;
  /** The server's environment (PATH with atlantis/bin first, the caches, the AWS endpoint). */
  readonly env: Readonly<Record<string, string>>;
  readonly provider: RealProvider;
  /** Each stage's synthesized stack on the base branch, for its no-op prior state. */
  readonly baseStacks: Readonly<Record<string, SynthesizedDocument>>;
  /** The server-side config played (atlantis/repos.yaml of this checkout). */
  readonly reposYaml: string;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: GIT_ENV }).trim();

// Fixed identities and dates: the same base tree is the same commit on every run, so the
// server's kept judge for that commit is reused.
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "playback",
  GIT_AUTHOR_EMAIL: "playback@example.invalid",
  GIT_COMMITTER_NAME: "playback",
  GIT_COMMITTER_EMAIL: "playback@example.invalid",
  GIT_AUTHOR_DATE: "2026-12-01T12:00:00Z",
  GIT_COMMITTER_DATE: "2026-12-01T12:00:00Z",
};

/**
 * The bare origin whose base branch holds `baseTree` (a folder with the repository's files),
 * committed as one commit.
 */
export function createOrigin(baseTree: string, into: string): string {
  git(baseTree, "init", "-q", "-b", BASE_BRANCH);
  git(baseTree, "add", "-A");
  git(baseTree, "commit", "-q", "-m", "base");
  const origin = path.join(into, "origin.git");
  git(into, "clone", "-q", "--bare", baseTree, origin);
  return origin;
}

/**
 * Plays `atlantis plan` (or `atlantis plan -p <project>` for each of `only`) on a pull request
 * that `edit` makes on top of the base branch.
 */
export async function playPlan(
  stage: Stage,
  edit: (tree: string) => void,
  only?: readonly string[],
): Promise<PlayResult> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "atlantis-pull-"));
  try {
    const author = path.join(work, "author");
    git(work, "clone", "-q", stage.origin, author);
    git(author, "checkout", "-q", "-b", HEAD_BRANCH);
    edit(author);
    git(author, "add", "-A");
    git(author, "commit", "-q", "-m", "the pull request");
    // Each play is a new pull request of the same number: its head replaces the last one's.
    git(author, "push", "-q", "--force", "origin", `HEAD:refs/pull/${PULL_NUM}/head`);
    const headCommit = git(author, "rev-parse", "HEAD");

    const clone = path.join(work, "clone");
    git(work, "clone", "-q", "--branch", BASE_BRANCH, "--single-branch", stage.origin, clone);
    git(clone, "fetch", "-q", "origin", `refs/pull/${PULL_NUM}/head`);
    git(clone, "merge", "-q", "--no-ff", "-m", "atlantis-merge", "FETCH_HEAD");

    const server = v.parse(atlantisServerConfig, parse(stage.reposYaml));
    const repo = server.repos.find((r) => r.id === REPO_ID);
    if (repo === undefined) throw new Error(`repos.yaml has no repo ${REPO_ID}`);
    if (repo.branch !== undefined && !new RegExp(repo.branch.slice(1, -1)).test(BASE_BRANCH)) {
      return { hooks: [], projects: [] };
    }
    const hooks: StepResult[] = [];
    for (const hook of repo.pre_workflow_hooks ?? []) {
      if (hook.commands !== undefined && !hook.commands.includes("plan")) continue;
      const result = await timed(() => shell(hook.run, clone, stage.env));
      hooks.push({ step: `hook: ${hook.run}`, ...result });
      if (result.exitCode !== 0) return { hooks, projects: [] };
    }

    const repoConfig = parse(fs.readFileSync(path.join(clone, "atlantis.yaml"), "utf8")) as {
      projects: { name: string; dir: string; workspace?: string }[];
    };
    const steps = server.workflows[repo.workflow ?? "default"]?.plan?.steps ?? [];
    const projects: ProjectPlan[] = [];
    for (const project of repoConfig.projects) {
      if (only !== undefined && !only.includes(project.name)) continue;
      const dir = path.join(clone, project.dir);
      const workspace = project.workspace ?? "default";
      const env = {
        ...stage.env,
        BASE_BRANCH_NAME: BASE_BRANCH,
        BASE_REPO_NAME: "digital-apps-cluster",
        BASE_REPO_OWNER: "CityOfBoston",
        COMMENT_ARGS: "",
        DIR: dir,
        HEAD_BRANCH_NAME: HEAD_BRANCH,
        HEAD_COMMIT: headCommit,
        HEAD_REPO_NAME: "digital-apps-cluster",
        HEAD_REPO_OWNER: "CityOfBoston",
        PLANFILE: path.join(dir, `${project.name}-${workspace}.tfplan`),
        SHOWFILE: path.join(dir, `${project.name}-${workspace}.json`),
        PROJECT_NAME: project.name,
        PULL_AUTHOR: "author",
        PULL_NUM: String(PULL_NUM),
        PULL_URL: `https://${REPO_ID}/pull/${PULL_NUM}`,
        REPO_REL_DIR: project.dir,
        USER_NAME: "reviewer",
        WORKSPACE: workspace,
      };
      projects.push(await planProject(stage, project.name, steps, dir, env));
    }
    return { hooks, projects };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** One project's plan steps, in its dir, until one fails (project_command_runner.go runSteps). */
async function planProject(
  stage: Stage,
  project: string,
  steps: readonly AtlantisStep[],
  dir: string,
  env: Readonly<Record<string, string>>,
): Promise<ProjectPlan> {
  const results: StepResult[] = [];
  // The base's no-op state is built from plans this machine may have made before (kept-plans.ts);
  // Atlantis's own plan and show steps always run.
  const terraform = new KeptPlansWorkspace(stage.provider);
  try {
    for (const step of steps) {
      const result =
        typeof step === "string"
          ? { step, ...(await timed(() => builtIn(step, stage, project, terraform, dir, env))) }
          : "run" in step
            ? {
                step: `run: ${runCommand(step.run)}`,
                ...(await timed(() => shell(runCommand(step.run), dir, env))),
              }
            : { step: "env", exitCode: 0, output: "", seconds: 0 };
      results.push(result);
      if (result.exitCode !== 0) return { project, steps: results, status: "errored" };
    }
    return { project, steps: results, status: "planned" };
  } finally {
    fs.rmSync(terraform.dir, { recursive: true, force: true });
  }
}

const runCommand = (run: string | { command: string }) =>
  typeof run === "string" ? run : run.command;

/**
 * Atlantis's init, plan and show, played offline: the project's synthesized stack converted for
 * the real provider and planned against the no-op state of the base's stack of that stage.
 */
async function builtIn(
  step: string,
  stage: Stage,
  project: string,
  terraform: TerraformWorkspace,
  dir: string,
  env: Readonly<Record<string, string>>,
): Promise<{ exitCode: number; output: string }> {
  const convert = (document: SynthesizedDocument) =>
    forRealProvider(document, { providerVersion: stage.provider.version });
  if (step === "init") {
    const base = convert(stage.baseStacks[project]);
    terraform.writeStack(base);
    await terraform.init();
    await noOpState(terraform, base, await resourceSchemas(terraform));
    terraform.writeStack(
      convert(JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"))),
    );
    return { exitCode: 0, output: "" };
  }
  if (step === "plan") {
    const result = await terraform.run(
      "plan",
      "-input=false",
      "-no-color",
      "-refresh=false",
      `-out=${env.PLANFILE}`,
    );
    return { exitCode: result.status, output: result.stdout + result.stderr };
  }
  if (step === "show") {
    const result = await terraform.run("show", "-json", env.PLANFILE);
    fs.writeFileSync(env.SHOWFILE, result.stdout);
    return { exitCode: result.status, output: "" };
  }
  throw new Error(`the playback does not play the built-in step ${step}`);
}

async function timed<T>(run: () => Promise<T>): Promise<T & { seconds: number }> {
  const start = performance.now();
  const result = await run();
  return { ...result, seconds: Math.round((performance.now() - start) / 100) / 10 };
}

/**
 * `sh -c command` in `cwd`, stdout and stderr together as Atlantis posts them. Asynchronous: the
 * scripted AWS account the preflight reads answers from this process.
 */
function shell(
  command: string,
  cwd: string,
  env: Readonly<Record<string, string>>,
): Promise<{ exitCode: number; output: string }> {
  const child = spawn("sh", ["-c", `exec 2>&1; ${command}`], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const output: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ exitCode: code ?? 1, output: Buffer.concat(output).toString("utf8") }),
    );
  });
}
