import { GetBucketVersioningCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { isAwsError } from "../aws-lookups";
import { type CheckFamily, type Finding } from "./finding";

/**
 * The stage's `stateBucket`, where its S3 backend keeps the Terraform state: it exists, is in
 * the stage's region (the backend names that region), and keeps versions (the only way back
 * from a state that an interrupted apply or a mistaken push has damaged).
 */
export const stateBucketChecks: CheckFamily = {
  name: "the state bucket",
  async run({ config }, { s3 }) {
    const value = config.stateBucket;
    const field = "stateBucket";
    let bucketRegion: string | undefined;
    try {
      ({ BucketRegion: bucketRegion } = await s3.send(new HeadBucketCommand({ Bucket: value })));
    } catch (error) {
      if (!isAwsError(error, "NotFound", "NoSuchBucket")) throw error;
      return [
        {
          field,
          value,
          problem: "no bucket of this name exists: terraform init cannot read or write the state",
        },
      ];
    }
    const findings: Finding[] = [];
    if (bucketRegion !== undefined && bucketRegion !== config.region) {
      findings.push({
        field,
        value,
        problem: `is in ${bucketRegion}, but the stage's backend names ${config.region}: terraform init fails`,
      });
    }
    const { Status } = await s3.send(new GetBucketVersioningCommand({ Bucket: value }));
    if (Status !== "Enabled") {
      findings.push({
        field,
        value,
        problem: `versioning is ${Status ?? "off"}: a damaged state could not be restored`,
        fix: `aws s3api put-bucket-versioning --bucket ${value} --versioning-configuration Status=Enabled`,
      });
    }
    return findings;
  },
};
