import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { loadStages, rolloutOrder, type StageName, type Stages } from "../../config/stages";
import {
  changeSet,
  readSynthesizedStack,
  type SynthesizedDocument,
} from "../../change-set/change-set";
import {
  configChanges,
  flagChanges,
  verdictOf,
  type Expectation,
  type StageReport,
  type Verdict,
} from "./verdict";
import { ConfigError } from "../../config/config-error";
import {
  commitOf,
  fileAt,
  locateProject,
  projectMatches,
  treeAt,
  withDetachedCheckout,
  type Env,
} from "./git-worktree";
import { refuseRegionMove } from "./region-move";
import { cacheFolder, cacheKey, readEntry, writeEntry } from "./synth-cache";
import { nodeVersionOf, seedBuilds, SynthError, synthesize } from "./synthesize";
import type { LaunchKinds } from "./launch-expectations";

/**
 * The change guard: synthesizes a base commit and the working tree, each into a temporary
 * directory, and runs the change-set prediction on each stage's two `cdk.tf.json`, so a reviewer
 * sees what a pull request touches, and why, before reading a plan.
 */

/** Bumped only when a field changes meaning or goes away; new fields may appear meanwhile. */
export const REPORT_VERSION = 1;

/** The base when `--base` is not given: the PR's usual target, else the last commit. */
export const DEFAULT_BASES = ["origin/main", "HEAD"] as const;

export interface GuardOptions {
  /** The project directory (holds cdktf.json); the working tree side of the comparison. */
  readonly projectDir: string;
  /** The stages file, absolute or relative to `projectDir`; must be inside the repository. */
  readonly stagesFile: string;
  /** @default the first of DEFAULT_BASES that exists */
  readonly base?: string;
  /** Reports only this stage; the verdict judges every stage all the same. @default every stage */
  readonly stage?: StageName;
  /** @default no expectation: the verdict only carries the warnings and refusals */
  readonly expect?: Expectation;
  /** A change that loses running services or the state is intended. @default refused */
  readonly allowDestructive?: boolean;
  /**
   * Reuses (and keeps) the base's synth output from an earlier run with the same inputs.
   * @default true, unless `CHANGES_SYNTH_CACHE=off`
   */
  readonly cache?: boolean;
  /**
   * A folder whose node_modules were installed from the base's package-lock.json: the base is
   * synthesized with them, so the working tree may have another lockfile.
   * @default the project's own node_modules, which only fit a base with the same lockfile
   */
  readonly baseInstall?: string;
  /** Told whether the base's synth came from the cache (`hit`), was made (`miss`) or `off`. */
  readonly onCache?: (event: "hit" | "miss" | "off") => void;
  readonly env: Env;
  /** Aborting it stops the synths; the temporary worktree is removed all the same. */
  readonly signal: AbortSignal;
}

export interface GuardReport {
  readonly version: typeof REPORT_VERSION;
  readonly base: { readonly ref: string; readonly commit: string };
  /** The Terraform plan judged (`changes --plan`), instead of a prediction, and its stage. */
  readonly plan?: { readonly file: string; readonly stage: StageName };
  /** Only the stage `--stage` names, otherwise every stage, in rollout order. */
  readonly stages: Readonly<Record<StageName, StageReport>>;
  /** Judges every stage, also those `--stage` leaves out of `stages`. */
  readonly verdict: Verdict;
}

/**
 * Compares the working tree with `options.base` stage by stage.
 *
 * @throws ConfigError (one line) when the project is not in a git repository, the base ref is
 *   unknown, the base's package-lock.json differs from the working tree's, or either side does
 *   not synthesize.
 */
export async function runChangeGuard(options: GuardOptions): Promise<GuardReport> {
  const { projectDir, env, signal } = options;
  const location = await locateProject(projectDir, env);
  const stagesFile = relative(projectDir, resolve(projectDir, options.stagesFile));
  if (stagesFile.startsWith("..") || isAbsolute(stagesFile)) {
    throw new ConfigError(
      `${options.stagesFile}: the stages file must be inside the project to be compared with the base`,
    );
  }
  const { ref, commit } = await resolveBase(location.root, options.base, env);
  const baseInstall = options.baseInstall ?? projectDir;
  const lockfile = await assertSameLockfile(
    location.root,
    location.prefix,
    baseInstall,
    ref,
    commit,
    env,
  );
  const baseSide = `the base ${ref} (${commit.slice(0, 12)})`;

  // A working tree that is the base commit synthesizes as the base does: one synth serves both.
  const unchanged = await projectMatches(location, commit, env);
  const work = mkdtempSync(join(tmpdir(), "apps-cluster-changes-"));
  try {
    const headDir = join(work, "head");
    const cache = cacheFolder(env, options.cache);
    const nodeVersion = cache === undefined ? undefined : await nodeVersionOf(projectDir, env);
    const key =
      nodeVersion === undefined
        ? undefined
        : cacheKey({
            tree: await treeAt(location.root, commit, location.prefix, env),
            lockfile,
            nodeVersion,
            stagesFile,
            env,
          });
    const cached =
      cache === undefined || key === undefined
        ? undefined
        : readEntry(cache, key, join(work, "cached"));
    options.onCache?.(key === undefined ? "off" : cached === undefined ? "miss" : "hit");
    let baseOut: string;
    let before: Stages | undefined;
    if (cached !== undefined) {
      // The base was synthesized before from exactly these inputs: no checkout, one synth.
      baseOut = cached.outdir;
      if (!unchanged) {
        const [head] = await Promise.allSettled([
          synthesize(projectDir, stagesFile, headDir, env, signal),
        ]);
        throwSynthFailures([["the working tree", head]]);
      }
      before = stagesOf(cached.stagesFile);
    } else {
      baseOut = join(work, "base");
      before = await withDetachedCheckout(
        location,
        join(baseInstall, "node_modules"),
        commit,
        env,
        async ({ projectDir: baseDir }) => {
          seedBuilds(projectDir, baseDir);
          // Both at once; a failure of either is reported after both have ended. The stages file
          // is named relative to each side's project dir, so errors name it as people know it.
          const [base, head] = await Promise.allSettled([
            synthesize(baseDir, stagesFile, baseOut, env, signal),
            unchanged ? undefined : synthesize(projectDir, stagesFile, headDir, env, signal),
          ]);
          throwSynthFailures([
            [baseSide, base],
            ["the working tree", head],
          ]);
          if (cache !== undefined && key !== undefined)
            writeEntry(cache, key, baseOut, join(baseDir, stagesFile));
          // A base whose stages file the current loader rejects changes "(stage)" as a whole.
          return stagesOf(join(baseDir, stagesFile));
        },
      );
    }
    const headOut = unchanged ? baseOut : headDir;
    const after = loadStages(join(projectDir, stagesFile)).stages;
    // A stage only the base has is removed by this change: judged like any other.
    const stageNames = [...new Set([...rolloutOrder(after), ...stacksIn(baseOut)])];
    refuseRegionMove(stagesFile, before, after, stageNames);
    const stages: Record<StageName, StageReport> = {};
    for (const stage of stageNames) {
      stages[stage] = {
        configChanges: configChanges(before?.[stage], after[stage]),
        changes: flagChanges(changeSet(stackOf(baseOut, stage), stackOf(headOut, stage))),
      };
    }
    // `--stage` narrows what is shown, never what is judged: "nothing in any other stage" is
    // part of every expectation, and a delete elsewhere is worth a warning all the same.
    const shown = options.stage === undefined ? stages : { [options.stage]: stages[options.stage] };
    return {
      version: REPORT_VERSION,
      base: { ref, commit },
      stages: shown,
      verdict: verdictOf(stages, options.expect, launchKindsOf(before, after), {
        allowDestructive: options.allowDestructive,
      }),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The commit `base` names, else the first of DEFAULT_BASES that exists. */
export async function resolveBase(
  root: string,
  base: string | undefined,
  env: Env,
): Promise<{ ref: string; commit: string }> {
  for (const ref of base === undefined ? DEFAULT_BASES : [base]) {
    const commit = await commitOf(root, ref, env);
    if (commit !== undefined) return { ref, commit };
  }
  if (base !== undefined)
    throw new ConfigError(`--base ${base}: no such commit in this repository`);
  throw new ConfigError(
    "the repository has no commit to compare with yet (no origin/main, no HEAD)",
  );
}

/**
 * The base is synthesized with the node_modules of `installDir` (the working tree, unless
 * `--base-install` names another): only sound when they were installed from the base's
 * lockfile. Returns that lockfile (undefined when neither has one).
 */
async function assertSameLockfile(
  root: string,
  prefix: string,
  installDir: string,
  ref: string,
  commit: string,
  env: Env,
): Promise<Buffer | undefined> {
  const lockfile = `${prefix}package-lock.json`;
  const base = await fileAt(root, commit, lockfile, env);
  const installed = join(installDir, "package-lock.json");
  const used = existsSync(installed) ? readFileSync(installed) : undefined;
  if (base === undefined && used === undefined) return undefined;
  if (base !== undefined && used !== undefined && base.equals(used)) return used;
  throw new ConfigError(
    `the base ${ref} has another package-lock.json than ${installDir}, so its node_modules cannot synthesize the base; compare with a base that has the same lockfile, or pass --base-install with a folder installed from the base's lockfile`,
  );
}

/** Each stage's launch kind in the base and the working tree, for the verdict. */
export function launchKindsOf(before: Stages | undefined, after: Stages): LaunchKinds {
  const stageNames = new Set([...rolloutOrder(before ?? {}), ...rolloutOrder(after)]);
  return Object.fromEntries(
    [...stageNames].map((stage) => [
      stage,
      {
        before: before?.[stage]?.launch ?? "configuration",
        after: after[stage]?.launch ?? "configuration",
      },
    ]),
  );
}

/** Throws the first side's synth failure as one line, once every side has ended. */
function throwSynthFailures(
  results: readonly (readonly [string, PromiseSettledResult<void>])[],
): void {
  for (const [side, result] of results) {
    if (result.status === "fulfilled") continue;
    const error: unknown = result.reason;
    if (!(error instanceof SynthError)) throw error;
    throw new ConfigError(`${side} does not synthesize: ${error.line}`);
  }
}

/** A stages file read with the working tree's loader; undefined when that cannot read it. */
function stagesOf(file: string): Stages | undefined {
  try {
    return loadStages(file).stages;
  } catch {
    return undefined;
  }
}

/** The stages a synth output has a stack of. */
function stacksIn(outdir: string): string[] {
  const stacks = join(outdir, "stacks");
  return existsSync(stacks) ? readdirSync(stacks).sort() : [];
}

/** A stage's synthesized stack; a stack one side does not have is empty there. */
function stackOf(outdir: string, stage: StageName): SynthesizedDocument {
  if (!existsSync(join(outdir, "stacks", stage, "cdk.tf.json"))) return {};
  return readSynthesizedStack(outdir, stage);
}
