import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { seedBuilds } from "../../ops/change-guard/synthesize";

/**
 * A throwaway git repository holding a copy of this project's sources (what synth and the CLI
 * need) with `node_modules` a symlink to the project's own, for tests of the change guard.
 */

const SOURCES = [
  ".gitignore",
  "main.ts",
  "cdktf.json",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "bin",
  "cli",
  "constructs",
  "lambda",
  "change-set",
  "config",
  "ops",
  "stacks",
];

export interface TestRepo {
  readonly dir: string;
  /** Runs git in the repository (as a test user) and returns its trimmed stdout. */
  git(...args: string[]): string;
  /** Commits everything with `message` and returns the commit id. */
  commit(message: string): string;
  /** Replaces the first occurrence of `from` by `to` in a file of the repository. */
  edit(path: string, from: string | RegExp, to: string): void;
  /**
   * Puts the working tree back to HEAD (ignored files, like node_modules, stay) and the app's and
   * the Lambda's bundles back to the project's, so that the next synth does not bundle again
   * what an edit's synth bundled (seconds of esbuild each). Back at the first commit, the files
   * get their first times too: the CLI's launcher, which goes by times, then runs its bundle
   * rather than bundling again the sources an edit touched and git put back.
   */
  reset(): void;
  /** The worktrees git knows of, the repository's own included. */
  worktrees(): string[];
}

export function createTestRepo(project = process.cwd()): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), "guard-repo-"));
  // With their times: the CLI's launcher reuses a bundle only when its sources are older.
  for (const source of SOURCES)
    cpSync(join(project, source), join(dir, source), { recursive: true, preserveTimestamps: true });
  copyBuilds(project, dir);
  symlinkSync(resolve(project, "node_modules"), join(dir, "node_modules"), "dir");
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      [
        "-c",
        "user.name=Test",
        "-c",
        "user.email=test@example.com",
        "-c",
        "init.defaultBranch=main",
        // A throwaway repository needs no housekeeping: no `git maintenance` after each commit.
        "-c",
        "maintenance.auto=false",
        ...args,
      ],
      { cwd: dir, encoding: "utf8" },
    ).trim();
  const repo: TestRepo = {
    dir,
    git,
    commit: (message) => {
      git("add", "-A");
      git("commit", "-q", "--allow-empty", "-m", message);
      return git("rev-parse", "HEAD");
    },
    edit: (path, from, to) => {
      const file = join(dir, path);
      const text = readFileSync(file, "utf8");
      const edited = text.replace(from, to);
      if (edited === text) throw new Error(`${path}: nothing matched ${String(from)}`);
      writeFileSync(file, edited);
    },
    reset: () => {
      git("checkout", "-q", "--", ".");
      git("clean", "-fdq");
      if (git("rev-parse", "HEAD") === first) restoreTimes(dir, firstTimes);
      seedBuilds(project, dir);
    },
    worktrees: () =>
      git("worktree", "list", "--porcelain")
        .split("\n")
        .filter((line) => line.startsWith("worktree "))
        .map((line) => line.slice("worktree ".length)),
  };
  git("init", "-q");
  // .gitignore's `node_modules/` matches a directory, not the symlink standing in for it here.
  writeFileSync(join(dir, ".git", "info", "exclude"), "node_modules\n");
  const first = repo.commit("base");
  const firstTimes = timesOf(dir, git("ls-files").split("\n"));
  return repo;
}

/** Each file's modification time, by its path in `dir`. */
function timesOf(dir: string, paths: string[]): Map<string, Date> {
  return new Map(paths.map((path) => [path, statSync(join(dir, path)).mtime]));
}

/** Gives each file the time it had in `times` where it has another now. */
function restoreTimes(dir: string, times: Map<string, Date>): void {
  for (const [path, time] of times) {
    const file = join(dir, path);
    if (statSync(file, { throwIfNoEntry: false })?.mtimeMs !== time.getTime())
      utimesSync(file, time, time);
  }
}

/**
 * The project's own builds, which the copy's first CLI start and first synth would otherwise
 * make again (seconds each): the CLI's bundle with its pointer (bin/apps-cluster.cjs runs it
 * only while every source it names is older than the pointer, so an edit in the copy rebuilds
 * it) and the app's and the Lambda's bundles with their records of hashes (seedBuilds, as the
 * change guard gives them to its base checkout).
 */
function copyBuilds(project: string, dir: string): void {
  const from = join(project, "build");
  if (!existsSync(from)) return;
  seedBuilds(project, dir);
  const copy = (name: string) =>
    cpSync(join(from, name), join(dir, "build", name), {
      recursive: true,
      preserveTimestamps: true,
    });
  try {
    const { entry } = JSON.parse(readFileSync(join(from, "cli.json"), "utf8")) as { entry: string };
    copy(relative("build", dirname(entry)));
    copy("cli.json");
  } catch {
    // No CLI bundle yet (or an unreadable pointer): the copy's first start bundles it.
  }
}
