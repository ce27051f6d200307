/**
 * The launch template rollouts, checked by the real Terraform CLI against the stand-in AWS
 * provider: staging switched from its launch configuration to a launch template, rolled onto a
 * new AMI there, and switched back. Each plan must be what change-set/change-set.ts predicts
 * and what ops/change-guard/launch-expectations.ts defines, and each apply must bring the new
 * group (and the alarm) up before the old group is deleted, with nothing else deleted before
 * the old group is gone. Skipped, with the reason in the suite's name, without Terraform ≥ 1.10.
 */
import type { SynthesizedDocument } from "../../change-set/change-set";
import type { StageConfig } from "../../config/stages";
import {
  AMI_UPDATE_FROM_TEMPLATE,
  SWITCH_TO_CONFIGURATION,
  SWITCH_TO_TEMPLATE,
  type ExpectedPlan,
} from "../../ops/change-guard/launch-expectations";
import {
  plannedActions,
  type StateResource,
  type TerraformWorkspace,
} from "../../simulation/terraform/harness";
import {
  ALARM,
  ASG,
  GENERATION,
  LC,
  TEMPLATE,
  actionsAt,
  applyWithIds,
  standInWorkspaces,
  terraformSuite,
} from "./in-the-loop";
import {
  predictedActions,
  synthesize,
  withoutResource,
} from "../../simulation/terraform/scenarios";
import { NEW_AMI, OLDER_AMI } from "../../simulation/amis";

const { suite, title } = terraformSuite(
  "launch templates in the loop",
  (version) => `launch templates with Terraform ${version} and the stand-in AWS provider`,
);

const actionsOf = (plan: ExpectedPlan) =>
  Object.fromEntries([...plan].map(([address, { action }]) => [address, action]));

suite(title, () => {
  jest.setTimeout(120_000);
  const { fresh, scratch: scratchOf } = standInWorkspaces();
  let workspace: TerraformWorkspace;
  /** What staging's state was last applied from. */
  let applied: SynthesizedDocument;

  const staging = (settings: Partial<StageConfig>) =>
    synthesize({ stage: "staging", settings }).staging;

  /** Plans `after` on the current state, then applies it; what each step reports. */
  const step = async (after: SynthesizedDocument) => {
    workspace.writeStack(after);
    const plan = await workspace.plan();
    const predicted = predictedActions(applied, after);
    const applies = await applyWithIds(workspace);
    applied = after;
    return { plan, predicted, ...applies };
  };

  beforeAll(async () => {
    applied = staging({});
    workspace = await fresh(applied);
    await workspace.plan();
    await workspace.applyPlan();
  });

  describe("switching staging from its launch configuration to a launch template", () => {
    let result: Awaited<ReturnType<typeof step>>;
    beforeAll(async () => {
      result = await step(staging({ launch: "template" }));
    });

    it("plans the switch as predicted and defined: template and generation created, group replaced create-before-destroy, alarm updated, launch configuration deleted", () => {
      expect(plannedActions(result.plan)).toEqual(actionsOf(SWITCH_TO_TEMPLATE));
      expect(plannedActions(result.plan)).toEqual(result.predicted);
      expect(actionsAt(result.plan, ASG)).toEqual(["create", "delete"]);
    });

    it("brings the new group up before the old group drains, and deletes the launch configuration only after it", () => {
      const { log, before, now } = result;
      expect(log).toEqual([
        { action: "create", type: "aws_launch_template", id: now[TEMPLATE] },
        { action: "create", type: "aws_autoscaling_group", id: now[ASG] },
        { action: "update", type: "aws_cloudwatch_metric_alarm", id: now[ALARM] },
        { action: "delete", type: "aws_autoscaling_group", id: before[ASG] },
        { action: "delete", type: "aws_launch_configuration", id: before[LC] },
      ]);
    });
  });

  describe("a new AMI in the launch template stage", () => {
    let result: Awaited<ReturnType<typeof step>>;
    let state: StateResource[];
    beforeAll(async () => {
      result = await step(staging({ launch: "template", amiId: NEW_AMI }));
      state = await workspace.state();
    });

    it("plans the template updated, the generation and the group replaced, the alarm updated, as predicted and defined", () => {
      expect(plannedActions(result.plan)).toEqual(actionsOf(AMI_UPDATE_FROM_TEMPLATE));
      expect(plannedActions(result.plan)).toEqual(result.predicted);
      expect(actionsAt(result.plan, GENERATION)).toEqual(["create", "delete"]);
      expect(actionsAt(result.plan, ASG)).toEqual(["create", "delete"]);
      expect(actionsAt(result.plan, TEMPLATE)).toEqual(["update"]);
    });

    it("updates the template, then creates the new group and updates the alarm before the old group is deleted", () => {
      const { log, before, now } = result;
      expect(now[ASG]).not.toBe(before[ASG]);
      expect(now[GENERATION]).not.toBe(before[GENERATION]);
      expect(log).toEqual([
        { action: "update", type: "aws_launch_template", id: now[TEMPLATE] },
        { action: "create", type: "aws_autoscaling_group", id: now[ASG] },
        { action: "update", type: "aws_cloudwatch_metric_alarm", id: now[ALARM] },
        { action: "delete", type: "aws_autoscaling_group", id: before[ASG] },
      ]);
    });

    it("names the new group after the new generation and launches the template by id with a written-out version", () => {
      const values = (address: string) =>
        state.find((resource) => resource.address === address)?.values ?? {};
      const group = values(ASG);
      expect(String(group.name)).toMatch(
        new RegExp(`^apps-staging-${String(values(GENERATION).id)}-\\d{26}$`),
      );
      expect(group.launch_template).toEqual([
        expect.objectContaining({
          id: values(TEMPLATE).id,
          version: String(values(TEMPLATE).latest_version),
        }),
      ]);
      expect(group.launch_configuration).toBeFalsy();
    });

    it("without the generation, Terraform would only update the group in place (what it prevents)", async () => {
      // The stack as it would be without a generation: the group named by a fixed prefix and
      // replaced by nothing; applied once, then given a new AMI.
      const withoutGeneration = (amiId: string) => {
        const document = withoutResource(
          staging({ launch: "template", amiId }),
          "terraform_data",
          "launch_generation",
        );
        const asg = document.resource?.aws_autoscaling_group?.instances as Record<string, unknown>;
        asg.name_prefix = "apps-staging-";
        asg.lifecycle = { create_before_destroy: true };
        return document;
      };
      const scratch = scratchOf(workspace);
      const [first, second] = [withoutGeneration(NEW_AMI), withoutGeneration(OLDER_AMI)];
      scratch.writeStack(first);
      await scratch.plan();
      await scratch.applyPlan();
      scratch.writeStack(second);
      const actions = plannedActions(await scratch.plan());
      expect(actions).toEqual({
        [TEMPLATE]: "update",
        // The new version reaches the group in place: only instances launched later get the
        // new AMI, and nothing drains.
        [ASG]: "update",
      });
      expect(actions).toEqual(predictedActions(first, second));
    });
  });

  describe("a new drain hook heartbeat in the launch template stage", () => {
    let result: Awaited<ReturnType<typeof step>>;
    beforeAll(async () => {
      result = await step(
        staging({ launch: "template", amiId: NEW_AMI, drain: { heartbeatTimeoutSeconds: 1500 } }),
      );
    });

    it("replaces the group through the hook trigger, leaving the template and generation alone, as predicted", () => {
      expect(plannedActions(result.plan)).toEqual({
        "terraform_data.drain_hook": "replace",
        [ASG]: "replace",
        [ALARM]: "update",
      });
      expect(plannedActions(result.plan)).toEqual(result.predicted);
    });

    it("creates the new group and updates the alarm before the old group is deleted", () => {
      const { log, before, now } = result;
      expect(log).toEqual([
        { action: "create", type: "aws_autoscaling_group", id: now[ASG] },
        { action: "update", type: "aws_cloudwatch_metric_alarm", id: now[ALARM] },
        { action: "delete", type: "aws_autoscaling_group", id: before[ASG] },
      ]);
    });
  });

  describe("switching staging back to its launch configuration", () => {
    let result: Awaited<ReturnType<typeof step>>;
    beforeAll(async () => {
      result = await step(
        staging({
          launch: "configuration",
          amiId: NEW_AMI,
          drain: { heartbeatTimeoutSeconds: 1500 },
        }),
      );
    });

    it("plans the switch back as predicted and defined", () => {
      expect(plannedActions(result.plan)).toEqual(actionsOf(SWITCH_TO_CONFIGURATION));
      expect(plannedActions(result.plan)).toEqual(result.predicted);
      expect(actionsAt(result.plan, ASG)).toEqual(["create", "delete"]);
    });

    it("brings the launch configuration's group up before the old group drains, and deletes the template only after it", () => {
      const { log, before, now } = result;
      expect(log).toEqual([
        { action: "create", type: "aws_launch_configuration", id: now[LC] },
        { action: "create", type: "aws_autoscaling_group", id: now[ASG] },
        { action: "update", type: "aws_cloudwatch_metric_alarm", id: now[ALARM] },
        { action: "delete", type: "aws_autoscaling_group", id: before[ASG] },
        { action: "delete", type: "aws_launch_template", id: before[TEMPLATE] },
      ]);
    });
  });
});
