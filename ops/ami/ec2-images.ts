import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  type _InstanceType,
  type EC2Client,
  type Image,
} from "@aws-sdk/client-ec2";
import type { ImageFacts } from "./ecs-ami";

// The EC2 look-ups behind `ami set`, `ami promote` and `ami show --check`: what an image is and
// which architectures an instance type runs. Loaded only by those commands.

/** The images of `imageIds` that exist in the client's region, by id (missing ids are absent). */
export async function describeImages(
  ec2: EC2Client,
  imageIds: readonly string[],
): Promise<Map<string, ImageFacts>> {
  const found = new Map<string, ImageFacts>();
  let images: Image[];
  try {
    const ids = [...new Set(imageIds)];
    images = (await ec2.send(new DescribeImagesCommand({ ImageIds: ids }))).Images ?? [];
  } catch (error) {
    // EC2 fails the whole call when one id does not exist; look the others up one by one.
    if ((error as Error).name !== "InvalidAMIID.NotFound") throw error;
    if (imageIds.length === 1) return found;
    for (const id of imageIds) {
      for (const [key, image] of await describeImages(ec2, [id])) found.set(key, image);
    }
    return found;
  }
  for (const image of images) {
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

/** The CPU architectures an instance type runs (e.g. ["x86_64"] or ["arm64"]). */
export async function instanceTypeArchitectures(
  ec2: EC2Client,
  instanceType: string,
): Promise<readonly string[]> {
  const { InstanceTypes: types = [] } = await ec2.send(
    new DescribeInstanceTypesCommand({ InstanceTypes: [instanceType as _InstanceType] }),
  );
  return types[0]?.ProcessorInfo?.SupportedArchitectures ?? [];
}
