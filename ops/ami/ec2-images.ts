import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  type _InstanceType,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { findEach, isAwsError } from "../aws-lookups";
import type { ImageFacts } from "./ecs-ami";

// The EC2 look-ups behind `ami set`, `ami promote` and `ami show --check`: what an image is and
// which architectures an instance type runs. Loaded only by those commands.

/** The images of `imageIds` that exist in the client's region, by id (missing ids are absent). */
export async function describeImages(
  ec2: EC2Client,
  imageIds: readonly string[],
): Promise<Map<string, ImageFacts>> {
  return findEach(imageIds, (ids) => describeExisting(ec2, ids), "InvalidAMIID.NotFound");
}

async function describeExisting(
  ec2: EC2Client,
  imageIds: readonly string[],
): Promise<Map<string, ImageFacts>> {
  const found = new Map<string, ImageFacts>();
  const images = (await ec2.send(new DescribeImagesCommand({ ImageIds: [...imageIds] }))).Images;
  for (const image of images ?? []) {
    if (image.ImageId === undefined) continue;
    found.set(image.ImageId, {
      imageId: image.ImageId,
      name: image.Name,
      ownerAlias: image.ImageOwnerAlias,
      architecture: image.Architecture,
      creationDate: image.CreationDate,
      state: image.State,
    });
  }
  return found;
}

/**
 * The CPU architectures `instanceType` runs (["x86_64"], ["arm64"]), or `undefined` when EC2
 * has no such type in the client's region.
 */
export async function instanceTypeArchitectures(
  ec2: EC2Client,
  instanceType: string,
): Promise<readonly string[] | undefined> {
  try {
    const { InstanceTypes: types = [] } = await ec2.send(
      new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }),
    );
    return types[0]?.ProcessorInfo?.SupportedArchitectures;
  } catch (error) {
    if (isAwsError(error, "InvalidInstanceType")) return undefined;
    throw error;
  }
}
