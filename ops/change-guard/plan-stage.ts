import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError } from "../../config/config-error";
import { rolloutOrder, type StageConfig, type StageName, type Stages } from "../../config/stages";
import { stateKey } from "../../config/state-location";
import { isJsonObject } from "../../change-set/json-object";
import { FIXED_ADDRESSES } from "../../constructs/readable-address";
import type { TerraformPlan } from "./plan-changes";

/**
 * Which stage a plan Terraform made is of. A plan is judged by one stage's settings, so a plan
 * of the other stage (another project's directory, a file left from an earlier run) could pass
 * `--expect ami` while it rolls the other cluster. What the plan says of itself must be the
 * stage's: its ECS cluster's name, its provider's region, and the backend Terraform planned it
 * with (the S3 key, bucket and region `terraform init` recorded in `.terraform/terraform.tfstate`
 * of the directory the plan was made in, where `terraform show -json` writes it beside the plan
 * under Atlantis and by hand). What the plan file does not carry is not judged.
 */

/**
 * The stage whose clusterName the plan's ECS cluster has: its name before the change in the
 * base's stages, else its name after the change in the working tree's (a renamed cluster).
 */
export function stageOf(
  plan: TerraformPlan,
  before: Stages | undefined,
  after: Stages,
  shown: string,
): StageName {
  const { before: old, after: current } = clusterNames(plan);
  const sides = [
    [old, before],
    [current, after],
  ] as const;
  for (const [name, stages] of sides) {
    const stage = rolloutOrder(stages ?? {}).find((s) => stages?.[s].clusterName === name);
    if (name !== undefined && stage !== undefined) return stage;
  }
  throw new ConfigError(
    `--plan ${shown}: cannot tell which stage the plan is of (no ${FIXED_ADDRESSES.cluster} named like a stage's clusterName); pass --stage`,
  );
}

/**
 * @throws ConfigError, one line naming the first thing in the plan that is not the stage's
 *   (`planFile` is the plan's path, `shown` how the operator gave it).
 */
export function refuseOtherStagesPlan(
  plan: TerraformPlan,
  planFile: string,
  shown: string,
  stage: StageName,
  settings: { readonly before?: StageConfig; readonly after: StageConfig },
): void {
  const { before: old, after: current } = clusterNames(plan);
  const backend = plannedBackend(planFile);
  const compared: [string, string | undefined, string | undefined][] = [
    ["ECS cluster (before the change)", old, settings.before?.clusterName],
    ["ECS cluster", current, settings.after.clusterName],
    ["provider region", providerRegion(plan), settings.after.region],
    ["backend type", backend?.type, "s3"],
    ["backend key", backend?.key, stateKey(stage)],
    ["backend bucket", backend?.bucket, settings.after.stateBucket],
    ["backend region", backend?.region, settings.after.region],
  ];
  for (const [what, found, expected] of compared) {
    if (found === undefined || expected === undefined || found === expected) continue;
    throw new ConfigError(
      `--plan ${shown}: not a plan of ${stage}: its ${what} is ${found}, ${stage}'s is ${expected}; plan ${stage}'s own stack (cdktf.out/stacks/${stage}) and judge that`,
    );
  }
}

/** The ECS cluster's name on each side of the plan, where the plan knows it. */
function clusterNames(plan: TerraformPlan): { before?: string; after?: string } {
  const cluster = (plan.resource_changes ?? []).find(
    (change) => change.address === FIXED_ADDRESSES.cluster,
  );
  const nameIn = (values: unknown) =>
    isJsonObject(values) && typeof values.name === "string" ? values.name : undefined;
  return { before: nameIn(cluster?.change.before), after: nameIn(cluster?.change.after) };
}

/** The `aws` provider's region, when the configuration gives it as a constant. */
function providerRegion(plan: TerraformPlan): string | undefined {
  const region = plan.configuration?.provider_config?.aws?.expressions?.region;
  const value = isJsonObject(region) ? region.constant_value : undefined;
  return typeof value === "string" ? value : undefined;
}

/** The backend `terraform init` recorded where the plan was made, if the plan sits there. */
function plannedBackend(
  planFile: string,
): { type?: string; key?: string; bucket?: string; region?: string } | undefined {
  let recorded: unknown;
  try {
    recorded = JSON.parse(
      readFileSync(join(dirname(planFile), ".terraform", "terraform.tfstate"), "utf8"),
    );
  } catch {
    return undefined;
  }
  const backend = isJsonObject(recorded) ? recorded.backend : undefined;
  if (!isJsonObject(backend)) return undefined;
  const config = isJsonObject(backend.config) ? backend.config : {};
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    type: text(backend.type),
    key: text(config.key),
    bucket: text(config.bucket),
    region: text(config.region),
  };
}
