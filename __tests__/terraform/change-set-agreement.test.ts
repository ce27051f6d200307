/**
 * For every scenario of the change-set unit tests, the actions the real Terraform CLI plans
 * (against the stand-in AWS provider) equal the actions change-set/change-set.ts predicts. All
 * scenarios share one configuration, so one apply and one plan cover them.
 */
import * as fs from "node:fs";
import { CHANGE_SET_SCENARIOS } from "../../simulation/terraform/change-set-scenarios";
import {
  completeRequired,
  merged,
  prefixOf,
  renamed,
} from "../../simulation/terraform/combined-config";
import {
  STAND_IN_DIR,
  TerraformWorkspace,
  buildStandIn,
  plannedActions,
  terraformOnPath,
  type StandIn,
} from "../../simulation/terraform/harness";
import { predictedActions } from "../../simulation/terraform/scenarios";
import { readVendoredSchema } from "../../simulation/terraform/stand-in-provider/schema";

const terraform = terraformOnPath();
const suite = "missing" in terraform ? describe.skip : describe;
// Jest does not list the tests of a wholly skipped file: this is the one line that says why.
if ("missing" in terraform)
  process.stderr.write(`Skipping the Terraform agreement tests: ${terraform.missing}\n`);
const title =
  "missing" in terraform
    ? `change-set/change-set.ts agrees with Terraform (skipped: ${terraform.missing})`
    : `change-set/change-set.ts agrees with Terraform ${terraform.version}`;

suite(title, () => {
  jest.setTimeout(120_000);
  const schema = readVendoredSchema(STAND_IN_DIR);
  const scenarios = CHANGE_SET_SCENARIOS.map((scenario, index) => {
    const [before, after] = completeRequired([scenario.before, scenario.after], schema);
    const prefix = prefixOf(index);
    return { ...scenario, before, after, prefix };
  });
  let standIn: StandIn;
  let workspace: TerraformWorkspace;
  let planned: Record<string, string>;

  beforeAll(async () => {
    standIn = await buildStandIn();
    workspace = new TerraformWorkspace(standIn);
    const version = schema.provider_version;
    workspace.writeStack(
      merged(
        scenarios.map((s) => renamed(s.before, s.prefix)),
        version,
      ),
    );
    await workspace.init();
    await workspace.plan();
    await workspace.applyPlan();
    workspace.writeStack(
      merged(
        scenarios.map((s) => renamed(s.after, s.prefix)),
        version,
      ),
    );
    planned = plannedActions(await workspace.plan());
  });

  afterAll(() => {
    for (const dir of [standIn?.dir, workspace?.dir]) {
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(scenarios.map((s) => [s.name, s] as const))("for %s", (_name, scenario) => {
    const ofScenario = Object.entries(planned)
      .filter(([address]) => address.split(".")[1].startsWith(scenario.prefix))
      .map(([address, action]) => [address.replace(`.${scenario.prefix}`, "."), action]);
    expect(Object.fromEntries(ofScenario)).toEqual(
      predictedActions(scenario.before, scenario.after),
    );
  });
});
