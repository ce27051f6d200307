import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTestRepo, type TestRepo } from "../support/git-repo";

/** bin/apps-cluster.cjs: the bundle it runs is current and present, even when starts overlap. */
const run = promisify(execFile);
const help = (repo: TestRepo) =>
  run(process.execPath, [join(repo.dir, "bin/apps-cluster.cjs"), "--help"], { cwd: repo.dir });

describe("the CLI launcher", () => {
  // Each start may bundle the CLI, which takes seconds on a loaded machine.
  jest.setTimeout(60_000);
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });

  it("rebuilds when the bundle its pointer names is gone", async () => {
    await help(repo);
    const pointer = join(repo.dir, "build", "cli.json");
    const { entry } = JSON.parse(readFileSync(pointer, "utf8"));
    rmSync(join(repo.dir, entry));
    // The pointer is newer than every input: only the missing bundle says it is stale.
    writeFileSync(pointer, readFileSync(pointer));
    const { stdout } = await help(repo);
    expect(stdout).toContain("ami set [options] <stage> <ami-id>");
  });

  it("removes older bundles but keeps one another start made in the last minute", async () => {
    rmSync(join(repo.dir, "build"), { recursive: true, force: true });
    const build = join(repo.dir, "build");
    const old = join(build, "cli-1-1");
    const concurrent = join(build, "cli-2-2");
    for (const dir of [old, concurrent]) mkdirSync(dir, { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);
    await help(repo);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(concurrent)).toBe(true);
  });
});
