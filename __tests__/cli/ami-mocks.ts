import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  EC2Client,
  type Image,
} from "@aws-sdk/client-ec2";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

/**
 * SSM and EC2 as the `ami` commands see them: NEW_AMI is the recommended AL2023 x86_64 image
 * (created 2026-11-21), COMMITTED_AMI an older one (2026-10-03), t3/m6i types run x86_64.
 */

export const ssm = mockClient(SSMClient);
export const ec2 = mockClient(EC2Client);

export const AL2023_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended";
export const recommended = (imageId: string, arch = "x86_64") =>
  JSON.stringify({
    ecs_agent_version: "1.99.0",
    ecs_runtime_version: "Docker version 25.0.8",
    image_id: imageId,
    image_name: `al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-${arch}`,
    image_version: "2023.0.20261120",
    os: "Amazon Linux 2023",
    schema_version: 1,
    source_image_name: `al2023-ami-minimal-2023.6.20261118.0-kernel-6.1-${arch}`,
  });

export function ecsImage(imageId: string, overrides: Partial<Image> = {}): Image {
  return {
    ImageId: imageId,
    Name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
    ImageOwnerAlias: "amazon",
    OwnerId: "591542846629",
    Architecture: "x86_64",
    CreationDate: "2026-11-21T03:04:05.000Z",
    State: "available",
    ...overrides,
  };
}

/** Resets both mocks to the answers above (call in beforeEach). */
export function resetAmiMocks(): void {
  ssm.reset();
  ec2.reset();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: recommended(NEW_AMI) } });
  ec2.on(DescribeInstanceTypesCommand).resolves({
    InstanceTypes: [{ ProcessorInfo: { SupportedArchitectures: ["x86_64"] } }],
  });
  ec2.on(DescribeImagesCommand, { ImageIds: [NEW_AMI] }).resolves({ Images: [ecsImage(NEW_AMI)] });
  ec2.on(DescribeImagesCommand, { ImageIds: [COMMITTED_AMI] }).resolves({
    Images: [
      ecsImage(COMMITTED_AMI, {
        Name: "al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64",
        CreationDate: "2026-10-03T01:02:03.000Z",
      }),
    ],
  });
}
