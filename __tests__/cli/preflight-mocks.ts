import {
  DescribeInstanceTypeOfferingsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
} from "@aws-sdk/client-ec2";
import {
  GetInstanceProfileCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { GetBucketVersioningCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { ec2 } from "./ami-mocks";

/**
 * The rest of a correct account for `check`, as aws-sdk-client-mock stubs beside the ami mocks
 * (whose EC2 mock answers the images and instance types): every subnet and security group in
 * one VPC, the subnets spread over two zones that offer every type, each instance profile's
 * role with the ECS managed policy, the bucket versioned in us-east-1, every topic there.
 */

export const iam = mockClient(IAMClient);
export const s3 = mockClient(S3Client);
export const sns = mockClient(SNSClient);

export function resetPreflightMocks(): void {
  for (const mock of [iam, s3, sns]) mock.reset();
  const zones = ["us-east-1a", "us-east-1b"];
  ec2.on(DescribeSubnetsCommand).callsFake(({ SubnetIds = [] }) => ({
    Subnets: SubnetIds.map((id: string, i: number) => ({
      SubnetId: id,
      AvailabilityZone: zones[i % 2],
      VpcId: "vpc-0apps000000000001",
    })),
  }));
  ec2.on(DescribeSecurityGroupsCommand).callsFake(({ GroupIds = [] }) => ({
    SecurityGroups: GroupIds.map((id: string) => ({ GroupId: id, VpcId: "vpc-0apps000000000001" })),
  }));
  ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({
    InstanceTypeOfferings: zones.map((Location) => ({ Location })),
  });
  iam.on(GetInstanceProfileCommand).callsFake(({ InstanceProfileName }) => ({
    InstanceProfile: { Roles: [{ RoleName: `${InstanceProfileName}-role` }] },
  }));
  iam.on(ListAttachedRolePoliciesCommand).resolves({
    AttachedPolicies: [
      { PolicyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" },
    ],
  });
  s3.on(HeadBucketCommand).resolves({ BucketRegion: "us-east-1" });
  s3.on(GetBucketVersioningCommand).resolves({ Status: "Enabled" });
  sns.on(GetTopicAttributesCommand).resolves({ Attributes: {} });
}
