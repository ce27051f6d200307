import {
  addressParts,
  FIXED_ADDRESSES,
  type FixedAddress,
} from "../../constructs/readable-address";
import {
  changeSet,
  type ResourceChange,
  type SynthesizedDocument,
} from "../../change-set/change-set";
import { ConfigError } from "../../config/config-error";
import type { StateResource } from "./terraform-state";

/**
 * How the resources of the old HCL Terraform (one module per stage, e.g. `module.staging_cluster`)
 * map onto this project's stacks, and the import id Terraform's import of each type expects.
 * The mapping is by type and old name; a resource that is not in it is never guessed at.
 */

/** One old resource this project takes over, and where it goes. */
interface Counterpart {
  readonly type: string;
  /** The old HCL name. */
  readonly name: string;
  /** Address in this project's stack. */
  readonly to: string;
  /** The attribute of the old state that is the id Terraform's import of `type` takes. */
  readonly importIdAttribute: string;
}

/** The old HCL's type and name at a fixed address of this project (the two use the same). */
function counterpartAt(address: FixedAddress): Pick<Counterpart, "type" | "name" | "to"> {
  const [type, name] = addressParts(address);
  return { type, name, to: address };
}

export const COUNTERPARTS: readonly Counterpart[] = [
  // `terraform import aws_ecs_cluster.x <name>`
  {
    ...counterpartAt(FIXED_ADDRESSES.cluster),
    importIdAttribute: "name",
  },
  // Launch configurations and ASGs import by name.
  {
    ...counterpartAt(FIXED_ADDRESSES.launchConfiguration),
    importIdAttribute: "name",
  },
  {
    ...counterpartAt(FIXED_ADDRESSES.autoScalingGroup),
    importIdAttribute: "name",
  },
  // Metric alarms import by alarm name.
  {
    ...counterpartAt(FIXED_ADDRESSES.lowInstanceAlarm),
    importIdAttribute: "alarm_name",
  },
];

/** Types an old module may hold that this project deliberately leaves where they are. */
const LEFT_ALONE: Readonly<Record<string, string>> = {
  aws_autoscaling_lifecycle_hook:
    "the new group's hooks are inline (initial_lifecycle_hook); this one is deleted with the old group",
  aws_iam_instance_profile:
    "stacks/stages.json names it (instanceProfileName); keep managing it where it is",
  aws_iam_role: "instance roles stay where they are managed (the instance profile names one)",
  aws_iam_role_policy:
    "instance roles stay where they are managed (the instance profile names one)",
  aws_iam_role_policy_attachment:
    "instance roles stay where they are managed (the instance profile names one)",
  aws_security_group:
    "stacks/stages.json names it (securityGroupIds); keep managing it where it is",
  aws_security_group_rule: "security groups stay where they are managed",
  aws_vpc_security_group_ingress_rule: "security groups stay where they are managed",
  aws_vpc_security_group_egress_rule: "security groups stay where they are managed",
};

/** One import: the old resource, the address it goes to and its import id. */
export interface PlannedImport {
  readonly from: string;
  readonly to: string;
  readonly id: string;
  /** The old object's attributes, for the first-plan prediction. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

export interface AdoptionPlan {
  readonly module: string;
  readonly imports: readonly PlannedImport[];
  /** Old resources this project does not take over, and why. */
  readonly leftAlone: readonly { readonly address: string; readonly reason: string }[];
  /** Counterparts the old module lacks (never the cluster): the first apply creates them. */
  readonly missing: readonly string[];
}

/** What the adoption checks a stage's settings against. */
export interface AdoptedStage {
  readonly stage: string;
  readonly clusterName: string;
  readonly region: string;
  /** Every other stage's cluster name, to recognise its module. */
  readonly otherStages: readonly { readonly stage: string; readonly clusterName: string }[];
}

/**
 * Maps the resources of `module` in an old state onto this project's addresses. Throws a
 * ConfigError (one line) when the module is absent, belongs to another stage, holds a type
 * the mapping does not know, or when a setting that must match the live object does not.
 */
export function planAdoption(
  resources: readonly StateResource[],
  module: string,
  stage: AdoptedStage,
  source: string,
): AdoptionPlan {
  const own = resources.filter((resource) => resource.module === module);
  const nested = resources.filter((resource) => resource.module?.startsWith(`${module}.`));
  if (own.length === 0 && nested.length === 0) {
    const modules = [...new Set(resources.flatMap((r) => (r.module ? [r.module] : [])))];
    const known = modules.length > 0 ? modules.join(", ") : "none";
    throw new ConfigError(`${source}: no ${module} in the state (modules there: ${known})`);
  }

  const imports: PlannedImport[] = [];
  // Listed, never dropped: the operator decides about them in the old repo.
  const leftAlone: { address: string; reason: string }[] = nested.map((resource) => ({
    address: resource.address,
    reason: `in ${resource.module}, a module inside ${module}: adopt takes only ${module}'s own resources`,
  }));
  for (const resource of own) {
    if (resource.mode === "data") {
      leftAlone.push({ address: resource.address, reason: "a data source: read, not managed" });
      continue;
    }
    const counterpart = COUNTERPARTS.find(
      (c) => c.type === resource.type && c.name === resource.name,
    );
    if (counterpart !== undefined) {
      if (resource.deposed !== undefined) {
        throw new ConfigError(
          `${source}: ${resource.address} has a deposed object (a rollout that did not finish): finish or clean it up in the old repo first`,
        );
      }
      const id = resource.attributes[counterpart.importIdAttribute];
      if (typeof id !== "string" || id === "") {
        throw new ConfigError(
          `${source}: ${resource.address} has no ${counterpart.importIdAttribute} to import it by`,
        );
      }
      imports.push({
        from: resource.address,
        to: counterpart.to,
        id,
        attributes: resource.attributes,
      });
    } else if (Object.hasOwn(LEFT_ALONE, resource.type)) {
      leftAlone.push({
        address: resource.deposed ? `${resource.address} (deposed object)` : resource.address,
        reason: LEFT_ALONE[resource.type],
      });
    } else if (COUNTERPARTS.some((c) => c.type === resource.type)) {
      leftAlone.push({
        address: resource.address,
        reason: `not the one this project manages (${COUNTERPARTS.filter(
          (c) => c.type === resource.type,
        )
          .map((c) => `${c.type}.${c.name}`)
          .join(", ")} is): left alone`,
      });
    } else {
      throw new ConfigError(
        `${source}: ${resource.address}: resource type ${resource.type} is one this project neither manages nor knows to leave alone; adopt stops rather than guess (see docs/adopting.md)`,
      );
    }
  }
  for (const [i, planned] of imports.entries()) {
    const first = imports.findIndex((other) => other.to === planned.to);
    if (first < i) {
      throw new ConfigError(
        `${source}: ${imports[first].from} and ${planned.from} both map to ${planned.to} (count or for_each in the old module): this project has one, and adopt stops rather than choose`,
      );
    }
  }
  checkLiveSettings(imports, module, stage, source);
  const missing = COUNTERPARTS.map((c) => c.to).filter(
    (to) => !imports.some((planned) => planned.to === to),
  );
  return { module, imports, leftAlone, missing };
}

/**
 * The module must hold the cluster: without it the first apply would create one under the live
 * name, and ECS's CreateCluster returns the existing cluster of that name, so two states would
 * manage it unnoticed. Its name and region must be the live cluster's, or the first apply would
 * replace the cluster with every service on it (or build a second one elsewhere).
 */
function checkLiveSettings(
  imports: readonly PlannedImport[],
  module: string,
  stage: AdoptedStage,
  source: string,
): void {
  const cluster = imports.find((planned) => planned.to === FIXED_ADDRESSES.cluster);
  if (cluster === undefined) {
    throw new ConfigError(
      `${source}: ${module} has no ${FIXED_ADDRESSES.cluster} to adopt: a create under the live name would take over the existing cluster unnoticed, managed by two states; find the module that holds ${stage.stage}'s cluster (--module)`,
    );
  }
  const liveName = cluster.id;
  const owner = stage.otherStages.find((other) => other.clusterName === liveName);
  if (owner !== undefined && liveName !== stage.clusterName) {
    throw new ConfigError(
      `${source}: ${module} holds ${liveName}, the ${owner.stage} cluster (${owner.stage}.clusterName); adopt it as ${owner.stage}, or name ${stage.stage}'s module with --module`,
    );
  }
  if (liveName !== stage.clusterName) {
    throw new ConfigError(
      `${stage.stage}.clusterName is ${JSON.stringify(stage.clusterName)}, but the live cluster in ${module} is ${JSON.stringify(liveName)}: set ${stage.stage}.clusterName to ${JSON.stringify(liveName)} in stacks/stages.json (another name would replace the cluster and every service on it)`,
    );
  }
  const arn = cluster.attributes.arn;
  const liveRegion = typeof arn === "string" ? arn.split(":")[3] : undefined;
  if (liveRegion && liveRegion !== stage.region) {
    throw new ConfigError(
      `${stage.stage}.region is ${JSON.stringify(stage.region)}, but the live cluster ${liveName} is in ${liveRegion}: set ${stage.stage}.region to ${JSON.stringify(liveRegion)} in stacks/stages.json`,
    );
  }
}

/** The `terraform state rm` commands that release the adopted resources from the old state. */
export function stateRemovals(plan: AdoptionPlan): string[] {
  return plan.imports.map(({ from }) => `terraform state rm '${from}'`);
}

/**
 * What the first plan after adoption does, by the change-set prediction: `synthesized` is the
 * stage's stack with its import blocks, against an empty state into which the imports bring the
 * old objects (their attributes from the old state). Backend, provider and required-provider
 * entries are left out: the new state starts empty either way.
 */
export function firstPlanAfterAdoption(
  plan: AdoptionPlan,
  synthesized: SynthesizedDocument,
): ResourceChange[] {
  const importedState = Object.fromEntries(
    plan.imports.map(({ to, attributes }) => [to, attributes]),
  );
  return changeSet({}, synthesized, { importedState }).filter(
    // terraform.backend and terraform.required_providers.*, and provider.* configurations.
    ({ address }) => !address.startsWith("provider.") && !address.startsWith("terraform."),
  );
}
