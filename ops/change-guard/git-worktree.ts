import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ConfigError } from "../../config/config-error";

/** The git operations the change guard needs: where the project sits, refs, a throwaway checkout. */

const run = promisify(execFile);

export type Env = Readonly<Record<string, string | undefined>>;

/** Runs git in `cwd` and returns its stdout without the trailing newline. */
async function git(cwd: string, args: readonly string[], env: Env): Promise<string> {
  const { stdout } = await run("git", [...args], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  return stdout.replace(/\n$/, "");
}

/** Where a project directory sits in its repository. */
export interface ProjectLocation {
  /** The repository's top-level directory. */
  readonly root: string;
  /** The project directory relative to `root`, `""` or ending in `/` (`git rev-parse --show-prefix`). */
  readonly prefix: string;
}

/** @throws ConfigError when `dir` is not inside a git work tree. */
export async function locateProject(dir: string, env: Env): Promise<ProjectLocation> {
  try {
    const [root, prefix] = (await git(dir, ["rev-parse", "--show-toplevel", "--show-prefix"], env))
      .split("\n")
      .concat("");
    return { root, prefix };
  } catch {
    throw new ConfigError(
      `${dir} is not inside a git repository (the change guard compares commits)`,
    );
  }
}

/** The commit `ref` names, or undefined when it names none. */
export async function commitOf(root: string, ref: string, env: Env): Promise<string | undefined> {
  try {
    return await git(
      root,
      ["rev-parse", "-q", "--verify", "--end-of-options", `${ref}^{commit}`],
      env,
    );
  } catch {
    return undefined;
  }
}

/** A file's bytes at `commit`, or undefined when the commit has no such file. */
export async function fileAt(
  root: string,
  commit: string,
  path: string,
  env: Env,
): Promise<Buffer | undefined> {
  try {
    const { stdout } = await run("git", ["show", `${commit}:${path}`], {
      cwd: root,
      env,
      encoding: "buffer",
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch {
    return undefined;
  }
}

export interface DetachedCheckout {
  /** The project directory inside the temporary worktree. */
  readonly projectDir: string;
}

/**
 * Checks `commit` out in a temporary `git worktree add --detach`, with `node_modules` a symlink to
 * the project's own, runs `use` on it and removes the worktree afterwards, whatever happens:
 * `git worktree remove --force`, `git worktree prune` (in case the removal failed half-way) and
 * the temporary directory itself.
 */
export async function withDetachedCheckout<T>(
  location: ProjectLocation,
  nodeModules: string,
  commit: string,
  env: Env,
  use: (checkout: DetachedCheckout) => Promise<T>,
): Promise<T> {
  const parent = mkdtempSync(join(tmpdir(), "apps-cluster-base-"));
  const tree = join(parent, "tree");
  const projectDir = join(tree, location.prefix);
  const link = join(projectDir, "node_modules");
  try {
    await git(location.root, ["worktree", "add", "--quiet", "--detach", tree, commit], env);
    symlinkSync(nodeModules, link, "dir");
    return await use({ projectDir });
  } finally {
    // The link goes first, so that nothing below can reach the project's own node_modules.
    try {
      unlinkSync(link);
    } catch {
      // Not created: the checkout failed before it.
    }
    await git(location.root, ["worktree", "remove", "--force", tree], env).catch(() => undefined);
    await git(location.root, ["worktree", "prune"], env).catch(() => undefined);
    rmSync(parent, { recursive: true, force: true });
  }
}

/** The id of the tree `path` (`""` or ending in `/`: the root's) names at `commit`. */
export async function treeAt(
  root: string,
  commit: string,
  path: string,
  env: Env,
): Promise<string> {
  return git(root, ["rev-parse", "--verify", "--end-of-options", `${commit}:${path}`], env);
}

/**
 * Whether the project directory holds `commit`'s files: no tracked file differs from it (staged
 * or not) and there is no untracked file git does not ignore. False when git cannot tell.
 */
export async function projectMatches(
  location: ProjectLocation,
  commit: string,
  env: Env,
): Promise<boolean> {
  const pathspec = location.prefix === "" ? "." : location.prefix;
  try {
    const [changed, untracked] = await Promise.all([
      git(location.root, ["diff", "--name-only", "--no-ext-diff", commit, "--", pathspec], env),
      git(location.root, ["ls-files", "--others", "--exclude-standard", "--", pathspec], env),
    ]);
    return changed === "" && untracked === "";
  } catch {
    return false;
  }
}
