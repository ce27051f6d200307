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

  // One rebuild (seconds of esbuild) shows both: why it rebuilds, and what it removes after.
  it("rebuilds when the bundle its pointer names is gone, then removes older builds but keeps one another start made in the last minute", async () => {
    await help(repo);
    const build = join(repo.dir, "build");
    const pointer = join(build, "cli.json");
    const { entry } = JSON.parse(readFileSync(pointer, "utf8"));
    rmSync(join(repo.dir, entry), { recursive: true });
    // The pointer is newer than every input: only the missing bundle says it is stale.
    writeFileSync(pointer, readFileSync(pointer));
    const old = join(build, "cli-1-1");
    const concurrent = join(build, "cli-2-2");
    for (const dir of [old, concurrent]) mkdirSync(dir, { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(old, hourAgo, hourAgo);

    const { stdout } = await help(repo);
    expect(stdout).toContain("ami set [options] <stage> <ami-id>");
    expect(JSON.parse(readFileSync(pointer, "utf8")).entry).not.toBe(entry);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(concurrent)).toBe(true);
  });
});
