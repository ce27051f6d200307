import { DescribeKeyPairsCommand } from "@aws-sdk/client-ec2";
import { isAwsError } from "../aws-lookups";
import { type CheckFamily } from "./finding";

/**
 * The stage's `keyName`, when it has one: EC2 key pairs are regional, and a launch that names
 * one the region does not have fails, so every new instance of a rollout would.
 */
export const keyPairChecks: CheckFamily = {
  name: "the key pair",
  async run({ config }, { ec2 }) {
    const value = config.keyName;
    if (value === undefined) return [];
    try {
      await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [value] }));
      return [];
    } catch (error) {
      if (!isAwsError(error, "InvalidKeyPair.NotFound")) throw error;
      return [
        {
          field: "keyName",
          value,
          problem: `no key pair of this name in ${config.region}: every launch would fail`,
          fix: "import the key into the region, or remove keyName",
        },
      ];
    }
  },
};
