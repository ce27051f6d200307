/**
 * What the stand-in suites that roll staging through Terraform share: the suite that skips,
 * saying why, without a Terraform ≥ 1.10; the stand-in built once per suite, with every working
 * directory it makes removed after the suite; the rollout's fixed addresses; and the readings of
 * a plan, a state and an apply log their assertions use.
 */
import * as fs from "node:fs";
import type { SynthesizedDocument } from "../../change-set/change-set";
import {
  TerraformWorkspace,
  buildStandIn,
  terraformOnPath,
  type PlanJson,
  type StandIn,
  type StateResource,
} from "../../simulation/terraform/harness";
import type { ApplyLogEntry } from "../../simulation/terraform/stand-in-provider/managed-resources";

export const LC = "aws_launch_configuration.instances";
export const TEMPLATE = "aws_launch_template.instances";
export const GENERATION = "terraform_data.launch_generation";
export const ASG = "aws_autoscaling_group.instances";
export const ALARM = "aws_cloudwatch_metric_alarm.low_instance_alarm";

/**
 * `describe` with `title(version)`, or, without a usable Terraform, `describe.skip` with the
 * reason in its title and one line on stderr (jest does not list the tests of a skipped file).
 */
export function terraformSuite(
  what: string,
  title: (terraformVersion: string) => string,
): { suite: jest.Describe; title: string } {
  const terraform = terraformOnPath();
  if ("missing" in terraform) {
    process.stderr.write(`Skipping ${what}: ${terraform.missing}\n`);
    return { suite: describe.skip, title: `${what} (skipped: ${terraform.missing})` };
  }
  return { suite: describe, title: title(terraform.version) };
}

/** The stand-in of one suite and the working directories made with it. */
export interface StandInWorkspaces {
  /** The stand-in (built in the suite's first `beforeAll`). */
  readonly standIn: () => StandIn;
  /** A new working directory holding `document`, initialized. */
  readonly fresh: (document: SynthesizedDocument) => Promise<TerraformWorkspace>;
  /** A copy of a working directory (configuration, state, providers, log), to change freely. */
  readonly scratch: (workspace: TerraformWorkspace) => TerraformWorkspace;
}

/**
 * Builds the stand-in before the enclosing suite's tests and removes it, and every working
 * directory made through the returned functions, after them. Call it inside the `describe`.
 */
export function standInWorkspaces(): StandInWorkspaces {
  let standIn: StandIn | undefined;
  const cleanUp: string[] = [];
  beforeAll(async () => {
    standIn = await buildStandIn();
    cleanUp.push(standIn.dir);
  });
  afterAll(() => {
    for (const dir of cleanUp) fs.rmSync(dir, { recursive: true, force: true });
  });
  const built = () => {
    if (standIn === undefined) throw new Error("the stand-in is built in beforeAll");
    return standIn;
  };
  return {
    standIn: built,
    fresh: async (document) => {
      const workspace = new TerraformWorkspace(built());
      cleanUp.push(workspace.dir);
      workspace.writeStack(document);
      await workspace.init();
      return workspace;
    },
    scratch: (workspace) => {
      const copy = workspace.clone();
      cleanUp.push(copy.dir);
      return copy;
    },
  };
}

/** Applies the workspace's saved plan: the apply's log, and every managed id before and after it. */
export async function applyWithIds(workspace: TerraformWorkspace): Promise<{
  before: Record<string, string>;
  log: ApplyLogEntry[];
  now: Record<string, string>;
}> {
  const before = idsByAddress(await workspace.state());
  const log = await workspace.applyPlan();
  const now = idsByAddress(await workspace.state());
  return { before, log, now };
}

/** Terraform's planned actions for one address, e.g. `["create", "delete"]`. */
export function actionsAt(plan: PlanJson, address: string): readonly string[] | undefined {
  return plan.resource_changes?.find((change) => change.address === address)?.change.actions;
}

/** Each managed resource's id in a state, by address. */
export function idsByAddress(state: readonly StateResource[]): Record<string, string> {
  return Object.fromEntries(
    state
      .filter((resource) => resource.mode === "managed")
      .map((resource) => [resource.address, String(resource.values.id)]),
  );
}
