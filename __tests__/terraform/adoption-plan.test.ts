/**
 * The adoption's predicted first plan, checked by the real Terraform CLI: the staging stack with
 * the import blocks `adopt` writes, planned against the stand-in provider whose import fixture
 * holds the old HCL state's objects (as an import brings them in: without the create-only
 * inline hooks). Terraform's actions must equal `firstPlanAfterAdoption`. Skipped without a
 * Terraform ≥ 1.10 on PATH, like the other Terraform tests.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { firstPlanAfterAdoption, planAdoption } from "../../ops/adoption/adoption";
import { parseTerraformState } from "../../ops/adoption/terraform-state";
import { addClusterStacks } from "../../stacks/cluster-app";
import { baseStages, DRAIN_ZIP } from "../../simulation/fixtures";
import {
  TerraformWorkspace,
  buildStandIn,
  plannedActions,
  terraformOnPath,
} from "../../simulation/terraform/harness";

const OLD_STATE = "__tests__/fixtures/old-apps-clusters.tfstate";
const terraform = terraformOnPath();
const suite = "missing" in terraform ? describe.skip : describe;
if ("missing" in terraform) {
  process.stderr.write(`Skipping the adoption plan test: ${terraform.missing}\n`);
}

suite("the first plan after adopting staging, by Terraform", () => {
  jest.setTimeout(120_000);
  const cleanUp: string[] = [];
  afterAll(() => {
    for (const dir of cleanUp) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("imports the cluster (updating its tags), replaces the LC and the ASG, updates the alarm and creates the rest, as predicted", async () => {
    const resources = parseTerraformState(fs.readFileSync(OLD_STATE, "utf8"), OLD_STATE);
    const plan = planAdoption(
      resources,
      "module.staging_cluster",
      {
        stage: "staging",
        clusterName: "AppsStaging",
        region: "us-east-1",
        otherStages: [{ stage: "production", clusterName: "AppsProd" }],
      },
      OLD_STATE,
    );
    const stages = baseStages();
    stages.staging.clusterName = "AppsStaging";
    stages.production.clusterName = "AppsProd";
    const imports = {
      file: "imports.json",
      source: OLD_STATE,
      imports: plan.imports.map(({ to, id }) => ({ to, id })),
    };
    const [staging] = addClusterStacks(Testing.app(), stages, DRAIN_ZIP, "stages.json", {
      staging: imports,
    });
    const synthesized = JSON.parse(Testing.synth(staging));

    // What an import of each object returns: its attributes, less what the provider never reads.
    const fixture: Record<string, Record<string, object>> = {};
    for (const { to, id, attributes } of plan.imports) {
      const type = to.split(".")[0];
      const imported: Record<string, unknown> = { ...attributes, region: "us-east-1" };
      if (type === "aws_autoscaling_group") delete imported.initial_lifecycle_hook;
      (fixture[type] ??= {})[id] = imported;
    }
    const fixtureFile = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), "adopt-fixture-")),
      "fixture.json",
    );
    cleanUp.push(path.dirname(fixtureFile));
    fs.writeFileSync(fixtureFile, JSON.stringify(fixture));

    const standIn = await buildStandIn();
    cleanUp.push(standIn.dir);
    const workspace = new TerraformWorkspace(standIn, undefined, fixtureFile);
    cleanUp.push(workspace.dir);
    workspace.writeStack(synthesized);
    await workspace.init();
    const planned = await workspace.plan();

    const predicted = Object.fromEntries(
      firstPlanAfterAdoption(plan, synthesized)
        .filter((change) => change.action !== "read")
        .map((change) => [change.address, change.action]),
    );
    expect(plannedActions(planned)).toEqual(predicted);
    expect(predicted).toMatchObject({
      "aws_ecs_cluster.cluster": "update",
      "aws_launch_configuration.instances": "replace",
      "aws_autoscaling_group.instances": "replace",
      "aws_cloudwatch_metric_alarm.low_instance_alarm": "update",
    });
    const importing = (planned.resource_changes ?? []).filter((c) => c.change.importing);
    expect(importing.map((c) => c.address).sort()).toEqual(plan.imports.map((i) => i.to).sort());
  });
});
