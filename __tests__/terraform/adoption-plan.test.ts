/**
 * The adoption's predicted first plan, checked by the real AWS provider: the staging stack
 * planned on a state that holds the old HCL state's objects at the addresses `adopt` imports
 * them to, as an import brings them in (without the create-only inline hooks). The provider's
 * actions must equal `firstPlanAfterAdoption` (an import that changes nothing plans as no
 * change). That Terraform imports by the ids `adopt` writes is the rehearsal's `adoption`
 * scenario, against the simulated AWS. Skipped, saying why, without Terraform or the mirror.
 */
import * as fs from "node:fs";
import { Testing } from "cdktf";
import { firstPlanAfterAdoption, planAdoption } from "../../ops/adoption/adoption";
import { parseTerraformState } from "../../ops/adoption/terraform-state";
import { addClusterStacks } from "../../stacks/cluster-app";
import { baseStages, DRAIN_ZIP } from "../../simulation/fixtures";
import { plannedActions, terraformOnPath } from "../../simulation/terraform/harness";
import { forRealProvider } from "../../simulation/terraform/real-provider/convert";
import { KeptPlansWorkspace } from "../../simulation/terraform/real-provider/kept-plans";
import {
  findRealProvider,
  installRealProvider,
} from "../../simulation/terraform/real-provider/mirror";
import {
  resourceSchemas,
  writeState,
  type StateResource,
} from "../../simulation/terraform/real-provider/prior-state";

const OLD_STATE = "__tests__/fixtures/old-apps-clusters.tfstate";
const terraform = terraformOnPath();
const found = findRealProvider();
const missing =
  "missing" in terraform ? terraform.missing : "missing" in found ? found.missing : undefined;
const suite = missing === undefined ? describe : describe.skip;
if (missing !== undefined) process.stderr.write(`Skipping the adoption plan test: ${missing}\n`);

suite("the first plan after adopting staging, by the real AWS provider", () => {
  jest.setTimeout(600_000);
  const cleanUp: string[] = [];
  afterAll(() => {
    for (const dir of cleanUp) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("updates the cluster's tags, replaces the LC and the ASG, updates the alarm and creates the rest, as predicted", async () => {
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

    const provider = installRealProvider(found as { version: string; mirror: string });
    const workspace = new KeptPlansWorkspace(provider);
    cleanUp.push(provider.dir, workspace.dir);
    // The imported objects are in the state already: the import blocks have nothing left to do.
    const converted = forRealProvider(synthesized, { providerVersion: provider.version });
    delete (converted as { import?: unknown }).import;
    workspace.writeStack(converted);
    await workspace.init();
    const state = new Map<string, StateResource>(
      plan.imports.map(({ to, attributes }) => {
        const [type, name] = to.split(".");
        const imported: Record<string, unknown> = { ...attributes };
        if (type === "aws_autoscaling_group") delete imported.initial_lifecycle_hook;
        return [
          to,
          { type, name, attributes: imported, dependencies: [], createBeforeDestroy: false },
        ];
      }),
    );
    writeState(workspace.dir, state, await resourceSchemas(workspace));
    const planned = plannedActions(await workspace.plan("-refresh=false"));

    const predicted = Object.fromEntries(
      firstPlanAfterAdoption(plan, synthesized)
        .filter((change) => change.action !== "read" && change.action !== "import")
        .map((change) => [change.address, change.action]),
    );
    expect(planned).toEqual(predicted);
    expect(predicted).toMatchObject({
      "aws_ecs_cluster.cluster": "update",
      "aws_launch_configuration.instances": "replace",
      "aws_autoscaling_group.instances": "replace",
      "aws_cloudwatch_metric_alarm.low_instance_alarm": "update",
    });
  });
});
