import { readFileSync, writeFileSync } from "node:fs";
import { DescribeClustersCommand, ECSClient } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { Testing } from "cdktf";
import { readStages, rolloutOrder } from "../../config/stages";
import type { GuardReport } from "../../ops/change-guard/change-guard";
import { DRAIN_ZIP } from "../../simulation/fixtures";
import { addClusterStacks } from "../../stacks/cluster-app";
import { changesInRepo, cli, copyOfStages, type StagesJson } from "../cli/support";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";
import { createTestRepo } from "../support/git-repo";

// The guard synthesizes two commits in fresh Node processes: seconds on a busy machine.
jest.setTimeout(120_000);

/**
 * A third stage is one block in the stages file and nothing else: `dev`, written before
 * staging (first in rollout order), a copy of staging's block under its own cluster name.
 */
function addDev(stages: StagesJson, dev: Record<string, unknown> = {}): void {
  const rest = { ...stages };
  for (const name of Object.keys(stages)) delete stages[name];
  const block = { ...rest.staging, clusterName: "apps-dev", region: "us-east-2", ...dev };
  Object.assign(stages, { dev: block, ...rest });
}

const stagesWithDev = (dev?: Record<string, unknown>) =>
  copyOfStages((stages) => addDev(stages, dev));

describe("a stage added to the stages file", () => {
  it("is synthesized as a stack of its own, first in rollout order", () => {
    const stages = readStages(stagesWithDev());
    expect(rolloutOrder(stages)).toEqual(["dev", "staging", "production"]);
    const stacks = addClusterStacks(Testing.app(), stages, DRAIN_ZIP);
    expect(stacks.map((stack) => stack.node.id)).toEqual(["dev", "staging", "production"]);
    const dev = JSON.parse(Testing.synth(stacks[0]));
    expect(dev.resource.aws_ecs_cluster.cluster.name).toBe("apps-dev");
    expect(dev.provider.aws[0].region).toBe("us-east-2");
    expect(dev.terraform.backend.s3.key).toBe("apps-cluster/dev/terraform.tfstate");
  });

  it("is a stage of every command that takes one", async () => {
    const stagesFile = stagesWithDev({ amiId: NEW_AMI });
    expect((await cli("ami show", { stagesFile })).stdout.split("\n").slice(1, 4)).toEqual([
      `dev         us-east-2  ${NEW_AMI}`,
      `staging     us-east-1  ${COMMITTED_AMI}`,
      `production  us-east-1  ${COMMITTED_AMI}`,
    ]);
    expect(await cli("check qa", { stagesFile })).toMatchObject({
      code: 2,
      stderr: `error: check: unknown stage "qa" (the stages in ${stagesFile}: dev, staging, production)\n`,
    });
    // Rolled first, so setting staging directly skips it; promote goes from dev to staging.
    expect((await cli(`ami set staging ${NEW_AMI} --offline`, { stagesFile })).stderr).toBe(
      `warning: ami set staging skips the rollout order: set dev first (ami set dev <ami-id>), check it there, then copy it with: npm run cluster -- ami promote\n`,
    );
    const promoteFile = stagesWithDev({ amiId: NEW_AMI });
    const promoted = await cli("ami promote --offline", { stagesFile: promoteFile });
    expect(promoted.stdout).toContain(`staging.amiId: ${COMMITTED_AMI} -> ${NEW_AMI}`);
    expect(promoted.stdout).toContain(", from dev)");
    expect(readStages(promoteFile).production.amiId).toBe(COMMITTED_AMI);
    expect(await cli("ami promote --to dev --offline", { stagesFile })).toMatchObject({
      code: 2,
      stderr:
        "error: ami promote: dev is the first stage in rollout order (dev, staging, production); name --from\n",
    });

    const ecs = mockClient(ECSClient).on(DescribeClustersCommand).resolves({ clusters: [] });
    try {
      for (const command of ["rollout watch dev", "balance check dev"]) {
        expect(await cli(command, { stagesFile })).toMatchObject({
          code: 2,
          stderr: 'error: ECS cluster "apps-dev" not found in us-east-2\n',
        });
      }
    } finally {
      ecs.restore();
    }
  });

  it("is adopted knowing every other stage's cluster", async () => {
    const stagesFile = stagesWithDev();
    const withLiveProduction = readFileSync(stagesFile, "utf8").replace(
      "apps-production",
      "AppsProd",
    );
    writeFileSync(stagesFile, withLiveProduction);
    const from = "__tests__/fixtures/old-apps-clusters.tfstate";
    const result = await cli(`adopt dev --from ${from} --module production_cluster`, {
      stagesFile,
    });
    expect(result).toMatchObject({
      code: 2,
      stderr: `error: ${from}: module.production_cluster holds AppsProd, the production cluster (production.clusterName); adopt it as production, or name dev's module with --module\n`,
    });
  });

  it("is created by the next apply, as the change guard reports it, with nothing to stop", async () => {
    const home = process.cwd();
    const repo = createTestRepo(home);
    process.chdir(repo.dir);
    try {
      const stagesFile = `${repo.dir}/stacks/stages.json`;
      const stages = JSON.parse(readFileSync(stagesFile, "utf8")) as StagesJson;
      addDev(stages);
      writeFileSync(stagesFile, JSON.stringify(stages, null, 2));
      const run = await changesInRepo("--format json");
      expect(run).toMatchObject({ code: 0, stderr: "" });
      const report = JSON.parse(run.stdout) as GuardReport;
      expect(Object.keys(report.stages)).toEqual(["dev", "staging", "production"]);
      expect(report.stages.dev.configChanges).toEqual(["(stage)"]);
      const actions = new Set(report.stages.dev.changes.map((change) => change.action));
      expect([...actions].sort()).toEqual(["create", "migrate-state", "read", "reconfigure"]);
      expect(report.stages.staging.changes).toEqual([]);
      expect(report.stages.production.changes).toEqual([]);
      expect(report.verdict).toMatchObject({ stops: [], refused: false });
    } finally {
      process.chdir(home);
    }
  });
});
