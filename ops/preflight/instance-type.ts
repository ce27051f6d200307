import { DescribeInstanceTypeOfferingsCommand, type EC2Client } from "@aws-sdk/client-ec2";
import { instanceTypeArchitectures } from "../ami/ec2-images";
import { type CheckFamily, type Finding } from "./finding";
import { describeSubnets } from "./network";

/**
 * The stage's `instanceType` in its region: EC2 has it there, and offers it in the Availability
 * Zone of every subnet (Auto Scaling launches into each; in a zone without the type, every
 * launch there fails mid-rollout). Whether a launch configuration can launch it is the stages
 * file's own rule (config/instance-types.ts), checked when the file is read.
 */
export const instanceTypeChecks: CheckFamily = {
  name: "the instance type",
  async run({ config }, { ec2 }) {
    const { instanceType, region } = config;
    if ((await instanceTypeArchitectures(ec2, instanceType)) === undefined) {
      return [
        {
          field: "instanceType",
          value: instanceType,
          problem: `EC2 has no such instance type in ${region}`,
        },
      ];
    }
    const [subnets, offered] = await Promise.all([
      describeSubnets(ec2, config.subnetIds),
      zonesOffering(ec2, instanceType),
    ]);
    const findings: Finding[] = [];
    config.subnetIds.forEach((id, index) => {
      const zone = subnets.get(id)?.availabilityZone;
      // A subnet that does not exist is the network's finding.
      if (zone === undefined || offered.has(zone)) return;
      findings.push({
        field: `subnetIds[${index}]`,
        value: id,
        problem: `is in ${zone}, where EC2 does not offer ${instanceType}: every launch there fails`,
        fix: `use a subnet in ${[...offered].sort().join(", ") || "another region"}, or another instance type`,
      });
    });
    return findings;
  },
};

/** The Availability Zones of the client's region where EC2 offers `instanceType`. */
async function zonesOffering(ec2: EC2Client, instanceType: string): Promise<Set<string>> {
  const zones = new Set<string>();
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstanceTypeOfferingsCommand({
        LocationType: "availability-zone",
        Filters: [{ Name: "instance-type", Values: [instanceType] }],
        NextToken,
      }),
    );
    for (const offering of page.InstanceTypeOfferings ?? []) {
      if (offering.Location !== undefined) zones.add(offering.Location);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return zones;
}
