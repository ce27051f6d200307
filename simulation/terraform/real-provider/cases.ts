/**
 * What the real provider judges: every change-set scenario it can plan, and a single-field edit
 * of every stage field in both stages. Shared by the agreement test and `npm run bench:real-provider`.
 */
import type { SynthesizedDocument } from "../../../change-set/document";
import type { StageConfig } from "../../../config/stages";
import { baseStages } from "../../fixtures";
import { CHANGE_SET_SCENARIOS } from "../change-set-scenarios";
import { completeRequired } from "../combined-config";
import { STAGES, otherDrainZip, synthesize, withoutResource } from "../scenarios";
import type { VendoredSchema } from "../provider-schema/schema";
import { STAGE_EDITS } from "./stage-edits";
import { withValidArguments } from "./valid-arguments";
import { NEW_AMI } from "../../amis";

export interface Case {
  readonly name: string;
  readonly before: SynthesizedDocument;
  readonly after: SynthesizedDocument;
}

/** Scenarios the mirror's provider cannot plan: they use arguments only 6.x has. */
export const SIX_ONLY: Readonly<Record<string, string>> = {
  "topic region": "per-resource region is new in provider 6",
  "durable_config added": "Lambda durable_config is new in provider 6",
  "durable_config changed": "Lambda durable_config is new in provider 6",
};

/** The change-set scenarios with the arguments the real provider requires, alike on both sides. */
export function changeSetCases(schema: VendoredSchema): Case[] {
  return CHANGE_SET_SCENARIOS.filter((s) => !(s.name in SIX_ONLY)).map((scenario) => {
    const [before, after] = completeRequired(
      withValidArguments([scenario.before, scenario.after]),
      schema,
    );
    return { name: scenario.name, before, after };
  });
}

/** `<stage> <field>` for every edit of `STAGE_EDITS` in both stages (names only: no synth). */
export const FIELD_EDITS = STAGES.flatMap((stage) =>
  Object.entries(STAGE_EDITS).map(([field, edit]) => ({ name: `${stage} ${field}`, stage, edit })),
);

/**
 * Edits of a stage that launches from a template (`launch: "template"` on both sides): an AMI
 * update, and a move to an instance type launch configurations cannot launch.
 */
const TEMPLATE_SETTINGS: Readonly<Record<string, Partial<StageConfig>>> = {
  amiId: { amiId: NEW_AMI },
  instanceType: { instanceType: "c7i.large" },
};

/** `<stage> template <field>` for every template-mode edit in both stages. */
export const TEMPLATE_EDITS = STAGES.flatMap((stage) =>
  Object.entries(TEMPLATE_SETTINGS).map(([field, settings]) => ({
    name: `${stage} template ${field}`,
    stage,
    settings,
  })),
);

/** The template-mode stacks before and after each template edit. */
export function templateCases(): Case[] {
  return TEMPLATE_EDITS.map(({ name, stage, settings }) => ({
    name,
    before: synthesize({ stage, settings: { launch: "template" } })[stage],
    after: synthesize({ stage, settings: { launch: "template", ...settings } })[stage],
  }));
}

/** The test stages' stacks before and after each field edit (a synth per edit). */
export function fieldCases(): Case[] {
  const base = synthesize();
  return FIELD_EDITS.map(({ name, stage, edit }) => ({
    name,
    before: base[stage],
    after: synthesize({ stage, settings: edit(baseStages()[stage]) })[stage],
  }));
}

/** The group and the alarm of the rollout, by their fixed addresses. */
export const GROUP = "aws_autoscaling_group.instances";
export const ALARM = "aws_cloudwatch_metric_alarm.low_instance_alarm";

/**
 * Rollouts of staging the field and template edits do not make: an argument written where it was
 * left to the provider's default (change-set/provider-defaults.ts), back from a template to the
 * launch configuration, a hook heartbeat in template mode, new function code, a state from
 * before the drain hook, the first apply, and the template stack as it would be without a
 * launch generation (what the generation prevents).
 */
export function rolloutCases(): Case[] {
  const staging = (settings: Partial<StageConfig>, drainZip?: string) =>
    synthesize({ stage: "staging", settings }, drainZip).staging;
  const template = staging({ launch: "template" });
  const withoutGeneration = (amiId: string) => {
    const document = withoutResource(
      staging({ launch: "template", amiId }),
      "terraform_data",
      "launch_generation",
    );
    const group = document.resource?.aws_autoscaling_group?.instances as Record<string, unknown>;
    group.name_prefix = "apps-staging-";
    group.lifecycle = { create_before_destroy: true };
    return document;
  };
  // The launch configuration as stacks synthesized before `associatePublicIpAddress` left it.
  const withoutPublicIpArgument = () => {
    const document = staging({});
    const configurations = document.resource?.aws_launch_configuration ?? {};
    for (const configuration of Object.values(configurations))
      delete (configuration as Record<string, unknown>).associate_public_ip_address;
    return document;
  };
  return [
    {
      name: "staging without a provider default (associate_public_ip_address)",
      before: withoutPublicIpArgument(),
      after: staging({}),
    },
    { name: "staging template back to configuration", before: template, after: staging({}) },
    {
      name: "staging template drain.heartbeatTimeoutSeconds",
      before: template,
      after: staging({ launch: "template", drain: { heartbeatTimeoutSeconds: 1500 } }),
    },
    { name: "staging drain code", before: staging({}), after: staging({}, otherDrainZip()) },
    {
      name: "staging drain hook added",
      before: withoutResource(staging({}), "terraform_data", "drain_hook"),
      after: staging({}),
    },
    { name: "staging from an empty state", before: {}, after: staging({}) },
    {
      name: "staging template without generation amiId",
      before: withoutGeneration(NEW_AMI),
      after: withoutGeneration("ami-0aaaaaaaaaaaaaaa1"),
    },
  ];
}

/** The rollouts that replace the group: each must keep the old group until the new one serves. */
export const GROUP_ROLLOUTS = STAGES.flatMap((stage) => [
  `${stage} amiId`,
  `${stage} instanceType`,
  `${stage} drain.heartbeatTimeoutSeconds`,
  `${stage} launch`,
  `${stage} template amiId`,
  `${stage} template instanceType`,
]).concat([
  "staging template back to configuration",
  "staging template drain.heartbeatTimeoutSeconds",
]);
