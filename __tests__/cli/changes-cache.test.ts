import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuardReport } from "../../ops/change-guard/change-guard";
import { synthesize } from "../../ops/change-guard/synthesize";
import { createTestRepo, type TestRepo } from "../support/git-repo";
import { changesInRepo } from "./support";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

// Every run synthesizes one or two commits in fresh Node processes: seconds on a busy machine.
jest.setTimeout(60_000);

const home = process.cwd();
let repo: TestRepo;
let cache: string;
/** A cache folder as a run against HEAD with nothing edited leaves it: one entry, HEAD's synth. */
let filled: string;
beforeAll(async () => {
  repo = createTestRepo(home);
  process.chdir(repo.dir);
  // Each run says on stderr where the base's synth came from: hit, miss or off.
  process.env.CHANGES_SYNTH_CACHE_DEBUG = "1";
  cache = filled = mkdtempSync(join(tmpdir(), "changes-cache-filled-"));
  expect((await changes()).source).toBe("miss");
});
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), "changes-cache-test-"));
  process.env.CHANGES_SYNTH_CACHE = cache;
});
afterEach(() => repo.reset());
afterAll(() => {
  process.chdir(home);
  delete process.env.CHANGES_SYNTH_CACHE;
  delete process.env.CHANGES_SYNTH_CACHE_DEBUG;
});

/** One run's JSON report, exit code and where the base's synth came from. */
async function changes(args = "", cacheVariable = cache) {
  process.env.CHANGES_SYNTH_CACHE = cacheVariable;
  const run = await changesInRepo(`${args} --format json`);
  process.env.CHANGES_SYNTH_CACHE = cache;
  const source = /^changes: base synth cache (hit|miss|off)$/m.exec(run.stderr)?.[1];
  return { code: run.code, source, report: JSON.parse(run.stdout) as GuardReport };
}

/** The entries in the cache folder (complete or not). */
const entries = () => readdirSync(cache);

/** This test's cache as the run against HEAD left it (a copy: the test may break it). */
const fillCache = () => cpSync(filled, cache, { recursive: true });

describe("changes keeps the base's synth output", () => {
  it("synthesizes the base once: the second run against it uses the kept output, without a checkout", async () => {
    repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
    const first = await changes("--expect ami");
    expect(first.source).toBe("miss");
    expect(entries()).toHaveLength(1);

    // A worktree of the base cannot be added while its folder is a file: only a run that needs
    // no checkout passes.
    const worktrees = join(repo.dir, ".git", "worktrees");
    rmSync(worktrees, { recursive: true, force: true });
    writeFileSync(worktrees, "not a folder");
    try {
      const second = await changes("--expect ami");
      expect(second.source).toBe("hit");
      expect(second).toEqual({ ...first, source: "hit" });
      expect(second.code).toBe(0);
    } finally {
      rmSync(worktrees, { force: true });
    }
  });

  it("does not use the output of another base commit", async () => {
    const main = repo.git("rev-parse", "HEAD");
    fillCache();
    repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
    repo.commit("new AMI for staging");
    try {
      // The working tree equals the new base: nothing changes, which the old base's output
      // would contradict.
      const run = await changes("--expect ami");
      expect(run.source).toBe("miss");
      expect(run.report.stages.staging?.changes).toEqual([]);
      expect(entries()).toHaveLength(2);
    } finally {
      repo.git("reset", "-q", "--hard", main);
    }
  });

  it("does not use the output of another stages file", async () => {
    const main = repo.git("rev-parse", "HEAD");
    copyFileSync("stacks/stages.json", "stacks/other-stages.json");
    repo.edit("stacks/other-stages.json", COMMITTED_AMI, NEW_AMI);
    repo.commit("another stages file");
    try {
      expect((await changes()).source).toBe("miss");
      const other = await changes("--stages-file stacks/other-stages.json");
      expect(other.source).toBe("miss");
      expect(other.report.stages.staging?.changes).toEqual([]);
      expect(other.report.stages.staging?.configChanges).toEqual([]);
    } finally {
      repo.git("reset", "-q", "--hard", main);
    }
  });

  it("does not use the output made with another Node version", async () => {
    fillCache();
    // A `node` first on PATH that says another version and runs the same Node all the same.
    const bin = mkdtempSync(join(tmpdir(), "changes-cache-node-"));
    writeFileSync(
      join(bin, "node"),
      `#!/bin/sh\n[ "$1" = --version ] && { echo v0.0.0-other; exit 0; }\nexec "${process.execPath}" "$@"\n`,
      { mode: 0o755 },
    );
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      expect((await changes()).source).toBe("miss");
      expect((await changes()).source).toBe("hit");
    } finally {
      process.env.PATH = path;
    }
    expect(entries()).toHaveLength(2);
  });

  it("synthesizes once when the working tree holds the base's files, and twice when it does not", async () => {
    // A `node` first on PATH that notes each synth it starts and runs the same Node all the same.
    const bin = mkdtempSync(join(tmpdir(), "changes-cache-synths-"));
    const log = join(bin, "synths");
    writeFileSync(
      join(bin, "node"),
      `#!/bin/sh\ncase "$*" in *synth.cjs*) echo synth >> "${log}";; esac\nexec "${process.execPath}" "$@"\n`,
      { mode: 0o755 },
    );
    const synths = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").length - 1 : 0);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      const unchanged = await changes("--no-cache");
      expect(unchanged.report.stages.staging?.changes).toEqual([]);
      expect(unchanged.report.stages.production?.changes).toEqual([]);
      expect(synths()).toBe(1);

      // An untracked file is a difference too (an imports file a pull request adds, say).
      writeFileSync(join(repo.dir, "stacks", "notes.txt"), "not synthesized, but not the base\n");
      await changes("--no-cache");
      expect(synths()).toBe(3);
    } finally {
      process.env.PATH = path;
    }
  });

  // A half-written entry (no completion marker) is never read, and is replaced: the cache's own
  // tests (ops/change-guard/synth-cache.test.ts) show it on the entries this run reads and writes.

  it("neither reads nor writes it under --no-cache or CHANGES_SYNTH_CACHE=off", async () => {
    fillCache();
    const [entry] = entries();
    // Emptied, so that a run that read it would see every resource created, and one that wrote
    // it would fill it again.
    rmSync(join(cache, entry, "out", "stacks"), { recursive: true });
    for (const [args, variable] of [
      ["--no-cache", undefined],
      ["", "off"],
    ] as const) {
      const run = await changes(args, variable);
      expect(run.source).toBe("off");
      expect(run.report.stages.staging?.changes).toEqual([]);
      expect(entries()).toEqual([entry]);
      expect(existsSync(join(cache, entry, "out", "stacks"))).toBe(false);
    }
  });

  // The verdict is made from the base's output and the working tree's: with the kept output
  // byte for byte the base's synth, every verdict is the same with the cache and without (the
  // first test compares one AMI update's reports as well).
  it("keeps the base's synth output byte for byte", async () => {
    fillCache();
    const [entry] = entries();
    const synthesized = mkdtempSync(join(tmpdir(), "changes-cache-synth-"));
    try {
      // The working tree is the base here (HEAD, nothing edited).
      await synthesize(repo.dir, "stacks/stages.json", synthesized, process.env, neverAborted);
      expect(filesOf(join(cache, entry, "out"))).toEqual(filesOf(synthesized));
      expect(readFileSync(join(cache, entry, "stages.json"), "utf8")).toBe(
        readFileSync(join(repo.dir, "stacks/stages.json"), "utf8"),
      );
    } finally {
      rmSync(synthesized, { recursive: true, force: true });
    }
  });
});

const neverAborted = new AbortController().signal;

/** Every file under `dir`, by its path there, with its bytes (as base64). */
function filesOf(dir: string): Record<string, string> {
  return Object.fromEntries(
    (readdirSync(dir, { recursive: true }) as string[])
      .filter((name) => statSync(join(dir, name)).isFile())
      .sort()
      .map((name) => [name, readFileSync(join(dir, name)).toString("base64")]),
  );
}
