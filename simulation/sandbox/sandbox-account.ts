/**
 * The account a sandbox pretends to be, made from the stages file: what each stage's
 * placeholders stand for (one VPC with a subnet per Availability Zone, a security group,
 * instance profiles whose roles carry the ECS instance policy, a versioned state bucket, the
 * on-call topic), the instance types the stages use, the AMIs they run, and the newer
 * ECS-optimized AMI AWS has just published. The stages file comes back with every placeholder
 * filled from it, every other byte as it was.
 */
import { applyEdits, modify, parse } from "jsonc-parser";
import { type Account, ECS_POLICY } from "../aws/account";
import { NEW_AMI } from "../amis";
import { stripPlaceholders } from "../../config/placeholders";
import { parseStages, type StageConfig } from "../../config/stages";

/** An ECS-optimized image as the sandbox's EC2 and SSM publish it. */
export interface PublishedImage {
  readonly imageId: string;
  readonly name: string;
  readonly creationDate: string;
}

/** The image every stage runs before the practice, whatever its id. */
const CURRENT_IMAGE = {
  name: "al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64",
  creationDate: "2026-10-02T21:14:07.000Z",
};

/** What AWS published since: the image the practice rolls onto. */
export const NEWER_IMAGE: PublishedImage = {
  imageId: NEW_AMI,
  name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
  creationDate: "2026-11-20T19:02:31.000Z",
};

export interface SandboxAccount {
  readonly account: Account;
  /** The stages file with its placeholders filled. */
  readonly stagesText: string;
  /** The alarm topics the stages name, to be created in the simulated SNS. */
  readonly topicArns: readonly string[];
}

const ZONE_LETTERS = "abc";

/** An id the way AWS spells it, 17 hex digits, recognisably the sandbox's (`05a4d` ≈ "sand"). */
function sandboxId(prefix: string, kind: number, n: number): string {
  return `${prefix}-05a4d${kind.toString(16)}${n.toString(16).padStart(11, "0")}`;
}

/** The sandbox's subnet in the `index`-th zone of `region`, as the simulated ASG spreads them. */
const subnetOf = (index: number) => sandboxId("subnet", 1, index + 1);
const securityGroupOf = (index: number) => sandboxId("sg", 2, index + 1);
const VPC = sandboxId("vpc", 0, 1);

export function sandboxAccount(stagesText: string, source: string): SandboxAccount {
  const { placeholders } = stripPlaceholders(parse(stagesText));
  let filled = stagesText;
  for (const path of placeholders) {
    const [, field, index] = path;
    const value =
      field === "subnetIds"
        ? subnetOf(Number(index))
        : field === "securityGroupIds"
          ? securityGroupOf(Number(index))
          : String(valueAt(parse(filled), path)).replace(/^PLACEHOLDER:/i, "");
    filled = applyEdits(filled, modify(filled, path, value, {}));
  }
  const stages: StageConfig[] = Object.values(parseStages(parse(filled), source));
  const account: Account = {
    images: Object.fromEntries([
      ...stages.map((stage) => [stage.amiId, { ...CURRENT_IMAGE, ...amazonImage }] as const),
      [NEWER_IMAGE.imageId, { ...NEWER_IMAGE, ...amazonImage }],
    ]),
    instanceTypes: Object.fromEntries(
      stages.map((stage) => [
        stage.instanceType,
        { architectures: [architectureOf(stage.instanceType)], zones: zonesOf(stage.region) },
      ]),
    ),
    subnets: Object.fromEntries(
      stages.flatMap((stage) =>
        zonesOf(stage.region).map((zone, i) => [subnetOf(i), { zone, vpc: VPC }]),
      ),
    ),
    securityGroups: Object.fromEntries(
      stages.flatMap((stage) => stage.securityGroupIds.map((id) => [id, VPC])),
    ),
    keyPairs: stages.flatMap((stage) => (stage.keyName ? [stage.keyName] : [])),
    instanceProfiles: Object.fromEntries(
      stages.map((stage) => [stage.instanceProfileName, `${stage.instanceProfileName}-role`]),
    ),
    attachedPolicies: Object.fromEntries(
      stages.map((stage) => [`${stage.instanceProfileName}-role`, [ECS_POLICY]]),
    ),
    inlinePolicies: {},
    managedPolicies: {},
    buckets: Object.fromEntries(
      stages.map((stage) => [stage.stateBucket, { region: stage.region, versioning: "Enabled" }]),
    ),
    topics: Object.fromEntries(topicsOf(stages).map((arn) => [arn, {}])),
    clusters: {},
    denied: [],
    throttled: [],
    failing: [],
    cutOff: [],
  };
  return { account, stagesText: filled, topicArns: topicsOf(stages) };
}

const amazonImage = { ownerAlias: "amazon", architecture: "x86_64", state: "available" };

function zonesOf(region: string): string[] {
  return [...ZONE_LETTERS].map((letter) => `${region}${letter}`);
}

/** Graviton families carry a `g` after their generation (t4g, m7g, c8gd). */
function architectureOf(instanceType: string): string {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? "arm64" : "x86_64";
}

function topicsOf(stages: readonly StageConfig[]): string[] {
  return [
    ...new Set(
      stages.flatMap((stage) =>
        stage.alarm?.actionsTopicArn ? [stage.alarm.actionsTopicArn] : [],
      ),
    ),
  ];
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], raw);
}
