import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import { findEach } from "../aws-lookups";
import { type CheckFamily, type Finding } from "./finding";

/**
 * The stage's subnets and security groups: each exists in the stage's region, all are in one
 * VPC (instances cannot use a security group of another VPC than their subnet's), and the
 * subnets span the stage's `minAvailabilityZones` (one zone down must not take the whole cluster
 * with it).
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
          { availabilityZone: subnet.AvailabilityZone ?? "", vpcId: subnet.VpcId ?? "" },
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
