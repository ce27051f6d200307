import { Option } from "commander";
import { ConfigError } from "../config/config-error";
import type { Expectation } from "../ops/change-guard/verdict";
import type { StageName } from "../config/stages";
import { REPORT_FORMATS, type ReportFormat } from "./changes-format";
import {
  EXIT_FINDING,
  exitCodeOf,
  type CliContext,
  type CommandGroup,
  type InterruptSignal,
} from "./context";
import { helpExamples } from "./format";

interface ChangesOptions {
  base?: string;
  stage?: StageName;
  expect?: Expectation;
  plan?: string;
  baseInstall?: string;
  allowDestructive?: boolean;
  cache: boolean;
  format: ReportFormat;
}

/** `changes`: what the working tree touches against a base commit, per stage, and why. */
export const changesCommands: CommandGroup = (program, context) => {
  program
    .command("changes")
    .description(
      "synthesize a base commit and the working tree and list every resource the change touches, with its action and why",
    )
    .option("--base <git-ref>", "the commit to compare with (default: origin/main, else HEAD)")
    .option(
      "--plan <plan.json>",
      "judge this plan (terraform show -json of a saved plan) instead of a prediction; its stage is the one whose clusterName its ECS cluster has, its settings are compared with --base, and an amiId-only change is judged as --expect ami",
    )
    .option(
      "--base-install <dir>",
      "synthesize the base with <dir>/node_modules, installed from the base's package-lock.json, so the working tree may have another lockfile (env CHANGES_BASE_INSTALL)",
      context.io.env.CHANGES_BASE_INSTALL,
    )
    .option(
      "--allow-destructive",
      "a change that replaces or deletes the ECS cluster, deletes the instances' group or moves the state is intended (otherwise it is refused: exit 1)",
    )
    .option(
      "--no-cache",
      "synthesize the base even when an earlier run kept its output (also: CHANGES_SYNTH_CACHE=off)",
    )
    .option("--stage <name>", "report only this stage (the verdict still judges every stage)")
    .addOption(
      new Option(
        "--expect <kind>",
        "exit 1 unless the change is exactly that: ami = only amiId changed, and only the launch configuration (or launch template and its generation) and ASG replaced and the low-instance alarm updated; instance = the same for instanceType (and amiId); launch = only the launch setting changed, as one rollout",
      ).choices(["ami", "instance", "launch"]),
    )
    .addOption(
      new Option("--format <format>", "how to print the report")
        .choices(REPORT_FORMATS)
        .default("text"),
    )
    .addHelpText(
      "after",
      helpExamples(
        "changes",
        "changes --base origin/main --stage staging --expect ami",
        "changes --format markdown",
        "changes --plan plan.json --format markdown",
      ),
    )
    .action((options: ChangesOptions) => changes(context, options));
};

async function changes(context: CliContext, options: ChangesOptions): Promise<void> {
  // A stage the stages file does not have is a typo, refused before anything is synthesized.
  if (options.stage !== undefined) await context.loadStages(options.stage);
  if (options.plan !== undefined) return judgePlan(context, { ...options, plan: options.plan });
  await checkGitRuns(context.io.env);
  const { runChangeGuard } = await import("../ops/change-guard/change-guard");
  const { renderReport } = await import("./changes-format");
  const interrupted = new AbortController();
  let stoppedBy: InterruptSignal = "SIGINT";
  const stopListening = context.io.onInterrupt((signal) => {
    stoppedBy = signal;
    interrupted.abort();
  });
  try {
    const report = await runChangeGuard({
      projectDir: process.cwd(),
      stagesFile: context.stagesFile,
      base: options.base,
      stage: options.stage,
      expect: options.expect,
      allowDestructive: options.allowDestructive,
      baseInstall: options.baseInstall,
      cache: options.cache,
      // Under CHANGES_SYNTH_CACHE_DEBUG, one line says where the base's synth came from.
      onCache: context.io.env.CHANGES_SYNTH_CACHE_DEBUG
        ? (event) => context.io.stderr.write(`changes: base synth cache ${event}\n`)
        : undefined,
      env: context.io.env,
      signal: interrupted.signal,
    });
    context.io.stdout.write(renderReport(report, options.format));
    if (report.verdict.pass === false || report.verdict.refused) context.exitCode = EXIT_FINDING;
  } catch (error) {
    if (!interrupted.signal.aborted) throw describeGitFailure(error) ?? error;
    context.warn("interrupted; the temporary worktree is removed");
    context.exitCode = exitCodeOf(stoppedBy);
  } finally {
    stopListening();
  }
}

/**
 * Without git on PATH every git call fails the way one outside a repository does, and the
 * guard would say "not inside a git repository".
 */
async function checkGitRuns(env: Readonly<Record<string, string | undefined>>): Promise<void> {
  const { execFile } = await import("node:child_process");
  const missing = await new Promise<boolean>((done) =>
    execFile("git", ["--version"], { env }, (error) => done(error?.code === "ENOENT")),
  );
  if (missing) {
    throw new ConfigError(
      `git is not installed or not on PATH (${env.PATH ?? "PATH is not set"}); the change guard needs it to check out the base commit`,
    );
  }
}

/**
 * A git command that failed (e.g. `git worktree add` in a read-only clone, which cannot write
 * .git/worktrees) as one line with git's own reason, instead of the child process's trace.
 */
function describeGitFailure(error: unknown): ConfigError | undefined {
  const { cmd, stderr } = error as { cmd?: unknown; stderr?: unknown };
  if (typeof cmd !== "string" || !cmd.startsWith("git ") || typeof stderr !== "string") {
    return undefined;
  }
  const command = /^git [a-z-]+( (add|remove|prune))?/.exec(cmd)?.[0] ?? "git";
  const reason = stderr.trim().split("\n")[0] || "no message";
  const where =
    command === "git worktree add"
      ? "; the change guard checks the base commit out in a temporary worktree, which git registers in .git/worktrees: run it in a writable clone"
      : "";
  return new ConfigError(`${command} failed (${reason})${where}`);
}

/** `changes --plan`: the same report and verdict, on a plan Terraform made. */
async function judgePlan(
  context: CliContext,
  options: ChangesOptions & { plan: string },
): Promise<void> {
  const { runPlanGuard } = await import("../ops/change-guard/plan-guard");
  const { renderReport } = await import("./changes-format");
  const report = await runPlanGuard({
    projectDir: process.cwd(),
    stagesFile: context.stagesFile,
    planFile: options.plan,
    stage: options.stage,
    base: options.base,
    expect: options.expect,
    allowDestructive: options.allowDestructive,
    env: context.io.env,
  });
  context.io.stdout.write(renderReport(report, options.format));
  if (report.verdict.pass === false || report.verdict.refused) context.exitCode = EXIT_FINDING;
}
