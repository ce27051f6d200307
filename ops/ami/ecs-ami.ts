import * as v from "valibot";

/**
 * Facts about Amazon's ECS-optimized AMIs that the operator commands need: where AWS publishes
 * the recommended one, what its published value holds, and how to recognise one by its image.
 */

export const AMI_FAMILIES = ["al2023", "al2"] as const;
export type AmiFamily = (typeof AMI_FAMILIES)[number];

export const AMI_ARCHITECTURES = ["x86_64", "arm64"] as const;
export type AmiArchitecture = (typeof AMI_ARCHITECTURES)[number];

/** Amazon Linux 2 ECS-optimized AMIs get no updates after this day. */
export const AL2_END_OF_SUPPORT = "2026-06-30";

const FAMILY_PATHS: Record<AmiFamily, string> = {
  al2023: "amazon-linux-2023",
  al2: "amazon-linux-2",
};

/** The public SSM parameter holding the recommended ECS-optimized AMI of a family and arch. */
export function recommendedParameterName(family: AmiFamily, arch: AmiArchitecture): string {
  const archPart = arch === "arm64" ? "/arm64" : "";
  return `/aws/service/ecs/optimized-ami/${FAMILY_PATHS[family]}${archPart}/recommended`;
}

const recommendedSchema = v.object({
  image_id: v.string(),
  image_name: v.string(),
  ecs_agent_version: v.string(),
  os: v.string(),
});

/** The recommended AMI as AWS publishes it (the parameter's JSON value). */
export interface RecommendedAmi {
  readonly imageId: string;
  readonly imageName: string;
  readonly ecsAgentVersion: string;
  readonly os: string;
}

/** Reads the JSON value of a `.../recommended` parameter; `undefined` when it is not that shape. */
export function parseRecommendedValue(value: string): RecommendedAmi | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  const result = v.safeParse(recommendedSchema, raw);
  if (!result.success) return undefined;
  const { image_id, image_name, ecs_agent_version, os } = result.output;
  return { imageId: image_id, imageName: image_name, ecsAgentVersion: ecs_agent_version, os };
}

/** What `DescribeImages` says about an image, as far as these checks need it. */
export interface ImageFacts {
  readonly imageId: string;
  readonly name?: string;
  readonly ownerAlias?: string;
  readonly architecture?: string;
  readonly creationDate?: string;
  readonly state?: string;
}

// The standard (not GPU, Neuron or Inferentia) ECS-optimized images, by their names.
const STANDARD_ECS_IMAGE_NAMES: Record<AmiFamily, RegExp> = {
  al2023: /^al2023-ami-ecs-hvm-/,
  al2: /^amzn2-ami-ecs-hvm-/,
};

/** The family of a standard ECS-optimized image published by Amazon; `undefined` for others. */
export function ecsImageFamily(image: ImageFacts): AmiFamily | undefined {
  if (image.ownerAlias !== "amazon" || image.name === undefined) return undefined;
  return AMI_FAMILIES.find((family) => STANDARD_ECS_IMAGE_NAMES[family].test(image.name ?? ""));
}

/** Where an image is meant to run: the stage's region and instance type. */
export interface ImageTarget {
  readonly region: string;
  /** The config field naming the instance type, for the message, e.g. `staging.instanceType`. */
  readonly instanceTypeField: string;
  readonly instanceType: string;
  /** The CPU architectures the instance type runs. */
  readonly architectures: readonly string[];
}

/**
 * Why `amiId` cannot be a stage's AMI, in one line: it does not exist in the region, is not
 * available, is not a standard ECS-optimized image by Amazon, or does not fit the instance
 * type. `undefined` when it can.
 */
export function unusableImageReason(
  amiId: string,
  image: ImageFacts | undefined,
  target: ImageTarget,
): string | undefined {
  if (image === undefined) {
    return `${amiId} does not exist in ${target.region} (or this account cannot see it)`;
  }
  if (image.state !== "available") {
    return `${amiId} in ${target.region} is ${image.state ?? "in no known state"}, not available`;
  }
  if (ecsImageFamily(image) === undefined) {
    return `${amiId} (${image.name ?? "no name"}, owner ${image.ownerAlias ?? "not amazon"}) is not a standard ECS-optimized Amazon Linux image`;
  }
  if (image.architecture !== undefined && !target.architectures.includes(image.architecture)) {
    const runs = target.architectures.join(", ") || "no known architecture";
    return `${amiId} is an ${image.architecture} image but ${target.instanceTypeField} ${target.instanceType} runs ${runs}`;
  }
  return undefined;
}

/** Whether `image` was created before `than` (false when either date is unknown). */
export function isOlderImage(image: ImageFacts, than: ImageFacts): boolean {
  const [created, other] = [
    Date.parse(image.creationDate ?? ""),
    Date.parse(than.creationDate ?? ""),
  ];
  return created < other;
}

/** Whole days from `older` to `newer` (ISO dates), never negative. */
export function daysBetween(older: string, newer: string): number {
  const days = Math.floor((Date.parse(newer) - Date.parse(older)) / 86_400_000);
  return Number.isNaN(days) ? 0 : Math.max(0, days);
}
