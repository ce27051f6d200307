import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { findEach } from "../aws-lookups";
import { type CheckFamily, type Finding } from "./finding";

/**
 * The stage's subnets and security groups: each exists in the stage's region, all are in one
 * VPC (instances cannot use a security group of another VPC than their subnet's), none hands
 * out public addresses the stage did not decide on (the launch decides, or nothing reaches ECS),
 * and the subnets span the stage's `minAvailabilityZones` (one zone down must not take the whole
 * cluster with it).
 */
export const networkChecks: CheckFamily = {
  name: "the subnets and security groups",
  async run({ name, config }, { ec2 }) {
    const [subnets, groups] = await Promise.all([
      describeSubnets(ec2, config.subnetIds),
      describeSecurityGroupVpcs(ec2, config.securityGroupIds),
    ]);
    const findings: Finding[] = [];
    const members = [
      ...config.subnetIds.map((id, i) => ({
        field: `subnetIds[${i}]`,
        id,
        vpc: subnets.get(id)?.vpcId,
      })),
      ...config.securityGroupIds.map((id, i) => ({
        field: `securityGroupIds[${i}]`,
        id,
        vpc: groups.get(id),
      })),
    ];
    for (const { field, id, vpc } of members) {
      if (vpc !== undefined) continue;
      findings.push({
        field,
        value: id,
        problem: `does not exist in ${config.region} (or this account cannot see it)`,
      });
    }
    // The VPC of the first subnet found is the stage's; every other member must share it.
    const reference = members.find((member) => member.vpc !== undefined);
    for (const { field, id, vpc } of members) {
      if (reference === undefined || vpc === undefined || vpc === reference.vpc) continue;
      findings.push({
        field,
        value: id,
        problem: `is in ${vpc}, but ${reference.field} is in ${reference.vpc}: a stage's subnets and security groups must share one VPC`,
      });
    }
    // Instances in a subnet that assigns public addresses get one unless the launch says not:
    // a launch template leaves it to the subnet; a launch configuration without one (the
    // default) is in a public subnet and reaches ECS only through a NAT or VPC endpoints.
    config.subnetIds.forEach((id, i) => {
      const publicLaunch = config.launch === "template";
      if (!subnets.get(id)?.mapsPublicIpOnLaunch || config.associatePublicIpAddress) return;
      findings.push({
        field: `subnetIds[${i}]`,
        value: id,
        problem: publicLaunch
          ? "assigns public IPv4 addresses on launch, and a launch template leaves that to the subnet: every instance gets a public address"
          : "assigns public IPv4 addresses on launch (a public subnet), but the instances get none (associatePublicIpAddress false): they reach ECS only through VPC endpoints",
        fix: publicLaunch
          ? "use private subnets (with a NAT or VPC endpoints)"
          : "use private subnets with a NAT, or set associatePublicIpAddress true if the instances must be public",
      });
    });
    // The stages file already asks for that many distinct subnets (config/stages.ts); only the
    // account knows their zones. A subnet not found is its own finding above.
    const zones = new Set([...subnets.values()].map((subnet) => subnet.availabilityZone));
    const minZones = config.minAvailabilityZones ?? 1;
    if (subnets.size === new Set(config.subnetIds).size && zones.size < minZones) {
      findings.push({
        field: "subnetIds",
        value: config.subnetIds.join(", "),
        problem: `all in ${inWords(zones.size)} Availability Zone${zones.size === 1 ? "" : "s"} (${[...zones].join(", ")}): ${name} must span ${inWords(minZones)} at least`,
        fix: "add a subnet in another zone of the VPC",
      });
    }
    return findings;
  },
};

// minAvailabilityZones is at most 6 (config/aws-rules/number-limits.ts).
const NUMBER_WORDS = ["none", "one", "two", "three", "four", "five", "six"];
const inWords = (count: number) => NUMBER_WORDS[count] ?? String(count);

export interface SubnetFacts {
  readonly availabilityZone: string;
  readonly vpcId: string;
  /** Whether the subnet gives an instance a public IPv4 address unless its launch says not. */
  readonly mapsPublicIpOnLaunch: boolean;
}

/** The subnets of `ids` that exist in the client's region, by id. */
export function describeSubnets(
  ec2: EC2Client,
  ids: readonly string[],
): Promise<Map<string, SubnetFacts>> {
  return findEach(
    ids,
    async (some) => {
      const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...some] }));
      return new Map(
        Subnets.map((subnet) => [
          subnet.SubnetId ?? "",
          {
            availabilityZone: subnet.AvailabilityZone ?? "",
            vpcId: subnet.VpcId ?? "",
            mapsPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
          },
        ]),
      );
    },
    "InvalidSubnetID.NotFound",
  );
}

/** The VPC of each security group of `ids` that exists in the client's region. */
function describeSecurityGroupVpcs(
  ec2: EC2Client,
  ids: readonly string[],
): Promise<Map<string, string>> {
  return findEach(
    ids,
    async (some) => {
      const { SecurityGroups = [] } = await ec2.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [...some] }),
      );
      return new Map(SecurityGroups.map((group) => [group.GroupId ?? "", group.VpcId ?? ""]));
    },
    "InvalidGroup.NotFound",
  );
}
