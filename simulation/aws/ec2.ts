/**
 * EC2 (its own query protocol) as the provider uses it while creating a launch configuration
 * (the AMI's root device: `root_block_device` needs its name), and, given an account, as `check`
 * and `ami` look things up in it: images, instance types and their offerings, subnets, security
 * groups and key pairs. Without an account every AMI id is taken to exist as an ECS-optimized
 * image, so a rehearsal's rollout can name any new id.
 */
import type { Account } from "./account";
import { ACCOUNT_ID, AwsError, list, type ServiceCall, type SimulatedService } from "./service";

export const ROOT_DEVICE_NAME = "/dev/xvda";

type Params = Record<string, unknown>;

export class SimulatedEc2 implements SimulatedService {
  readonly signingName = "ec2";

  constructor(private readonly account?: () => Account) {}

  handle({ operation, params }: ServiceCall): object {
    const account = this.account?.();
    if (account === undefined) {
      if (operation === "DescribeImages")
        return { imagesSet: list<string>(params.ImageId).map((id) => image(id)) };
      throw new AwsError("InvalidAction", `simulated EC2 has no ${operation}`);
    }
    return lookUp(account, operation, params);
  }
}

/** EC2's answers from the account; EC2 fails a whole Describe call when one id is unknown. */
function lookUp(account: Account, operation: string, params: Params): object {
  const ids = (name: string) => list<string>(params[name]);
  const mustExist = (wanted: string[], known: object, code: string, what: string) => {
    const missing = wanted.filter((id) => !Object.hasOwn(known, id));
    if (missing.length > 0) throw new AwsError(code, `The ${what} '${missing}' does not exist`);
  };
  switch (operation) {
    case "DescribeImages": {
      const wanted = ids("ImageId");
      mustExist(wanted, account.images, "InvalidAMIID.NotFound", "image id");
      return { imagesSet: wanted.map((id) => image(id, account.images[id])) };
    }
    case "DescribeInstanceTypes": {
      const wanted = ids("InstanceType");
      const unknown = wanted.filter((type) => !Object.hasOwn(account.instanceTypes, type));
      if (unknown.length > 0)
        throw new AwsError(
          "InvalidInstanceType",
          `The following supplied instance types do not exist: [${unknown}]`,
        );
      return {
        instanceTypeSet: wanted.map((type) => ({
          instanceType: type,
          processorInfo: { supportedArchitectures: account.instanceTypes[type].architectures },
        })),
      };
    }
    case "DescribeInstanceTypeOfferings": {
      const filters = list<{ Name: string; Value: unknown }>(params.Filter);
      const types = filters.flatMap((f) =>
        f.Name === "instance-type" ? list<string>(f.Value) : [],
      );
      return {
        instanceTypeOfferingSet: types.flatMap((type) =>
          (account.instanceTypes[type]?.zones ?? []).map((location) => ({
            instanceType: type,
            locationType: "availability-zone",
            location,
          })),
        ),
      };
    }
    case "DescribeSubnets": {
      const wanted = ids("SubnetId");
      mustExist(wanted, account.subnets, "InvalidSubnetID.NotFound", "subnet ID");
      return {
        subnetSet: wanted.map((id) => ({
          subnetId: id,
          availabilityZone: account.subnets[id].zone,
          vpcId: account.subnets[id].vpc,
          mapPublicIpOnLaunch: account.subnets[id].mapsPublicIp ?? false,
        })),
      };
    }
    case "DescribeSecurityGroups": {
      const wanted = ids("GroupId");
      mustExist(wanted, account.securityGroups, "InvalidGroup.NotFound", "security group");
      return {
        securityGroupInfo: wanted.map((id) => ({ groupId: id, vpcId: account.securityGroups[id] })),
      };
    }
    case "DescribeKeyPairs": {
      const wanted = ids("KeyName");
      const missing = wanted.filter((name) => !account.keyPairs.includes(name));
      if (missing.length > 0)
        throw new AwsError("InvalidKeyPair.NotFound", `The key pair '${missing}' does not exist`);
      return { keySet: wanted.map((keyName) => ({ keyName })) };
    }
    default:
      throw new AwsError("InvalidAction", `simulated EC2 has no ${operation}`);
  }
}

function image(imageId: string, facts?: Account["images"][string]): object {
  return {
    imageId,
    imageLocation: `amazon/${facts?.name ?? imageId}`,
    imageState: facts?.state ?? "available",
    imageOwnerId: ACCOUNT_ID,
    imageOwnerAlias: facts?.ownerAlias,
    architecture: facts?.architecture ?? "x86_64",
    creationDate: facts?.creationDate,
    imageType: "machine",
    name: facts?.name ?? `al2023-ami-ecs-hvm-${imageId}`,
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
