/**
 * EC2 (its own query protocol) as the provider uses it while creating a launch configuration:
 * the AMI's root device (`root_block_device` needs its name). Every AMI id is taken to exist as
 * an ECS-optimized image, so a rollout can name any new id.
 */
import { ACCOUNT_ID, AwsError, list, type ServiceCall, type SimulatedService } from "./service";

export const ROOT_DEVICE_NAME = "/dev/xvda";

export class SimulatedEc2 implements SimulatedService {
  readonly signingName = "ec2";

  handle({ operation, params }: ServiceCall): object {
    switch (operation) {
      case "DescribeImages":
        return { imagesSet: list<string>((params as { ImageId?: unknown }).ImageId).map(image) };
      default:
        throw new AwsError("InvalidAction", `simulated EC2 has no ${operation}`);
    }
  }
}

function image(imageId: string): object {
  return {
    imageId,
    imageLocation: `amazon/${imageId}`,
    imageState: "available",
    imageOwnerId: ACCOUNT_ID,
    architecture: "x86_64",
    imageType: "machine",
    name: `al2023-ami-ecs-hvm-${imageId}`,
    rootDeviceType: "ebs",
    rootDeviceName: ROOT_DEVICE_NAME,
    virtualizationType: "hvm",
    blockDeviceMapping: [
      {
        deviceName: ROOT_DEVICE_NAME,
        ebs: {
          snapshotId: "snap-0123456789abcdef0",
          volumeSize: 30,
          deleteOnTermination: true,
          volumeType: "gp3",
          encrypted: false,
        },
      },
    ],
  };
}
