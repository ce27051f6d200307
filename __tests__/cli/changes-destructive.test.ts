import { existsSync } from "node:fs";
import { join } from "node:path";
import type { GuardReport } from "../../ops/change-guard/change-guard";
import { createTestRepo, type TestRepo } from "../support/git-repo";
import { changesInRepo } from "./support";

// Every run synthesizes two commits in fresh Node processes: seconds on a busy machine.
jest.setTimeout(60_000);

const home = process.cwd();
let repo: TestRepo;
beforeAll(() => {
  repo = createTestRepo(home);
  process.chdir(repo.dir);
});
afterAll(() => process.chdir(home));
afterEach(() => {
  repo.reset();
  expect(existsSync(join(repo.dir, "cdktf.out"))).toBe(false);
});

const changes = changesInRepo;

/** The two stages' cluster names swapped in stacks/stages.json: both clusters replaced. */
function swapClusterNames(): void {
  repo.edit("stacks/stages.json", '"clusterName": "AppsStaging"', '"clusterName": "SWAP"');
  repo.edit("stacks/stages.json", '"clusterName": "AppsProd"', '"clusterName": "AppsStaging"');
  repo.edit("stacks/stages.json", '"clusterName": "SWAP"', '"clusterName": "AppsProd"');
}

describe("changes refuses what would drop running services or the state", () => {
  it.each(["", "--expect ami"])(
    "refuses swapped cluster names with one STOP line per stage (%s)",
    async (expect_) => {
      swapClusterNames();
      const run = await changes(expect_);
      const stops = run.stdout.split("\n").filter((line) => line.includes("STOP"));
      expect(stops).toEqual([
        expect.stringMatching(
          /^staging: STOP replace of aws_ecs_cluster\.cluster \(name changed\): the ECS cluster is deleted, and with it every service and running task on it/,
        ),
        expect.stringMatching(
          /^production: STOP replace of aws_ecs_cluster\.cluster \(name changed\)/,
        ),
      ]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(1);
    },
  );

  it("lets it through with --allow-destructive, saying so", async () => {
    swapClusterNames();
    const run = await changes("--allow-destructive --format json");
    const report = JSON.parse(run.stdout) as GuardReport;
    expect(report.verdict.stops).toHaveLength(2);
    expect(report.verdict.refused).toBe(false);
    expect(run.code).toBe(0);
  });

  it("refuses a stage's region change with one line, exit 2", async () => {
    repo.edit("stacks/stages.json", '"region": "us-east-1"', '"region": "us-east-2"');
    const run = await changes("");
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "error: stacks/stages.json: staging.region: us-east-1 -> us-east-2 is not an edit this project supports: existing resources stay in us-east-1 (each keeps its state's region), so nothing would move; a region move is a new stack adopted or built beside the old one (docs/adopting.md)\n",
    );
    expect(run.code).toBe(2);
  });
});
