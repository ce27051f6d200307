import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { StageConfig, StageName } from "../../config/stages";

/**
 * What `check` reports: one finding is one thing in a stage's config that the live account says
 * will not work, named by its field, its value and what is wrong with it. Each family of checks
 * (one file in this folder) reads the account with read-only calls and returns its findings.
 */

export interface Finding {
  /** The field in the stages file, inside the stage: `amiId`, `subnetIds[1]`. */
  readonly field: string;
  /** The field's value as the stages file has it. */
  readonly value: string;
  /** What is wrong, in one clause. */
  readonly problem: string;
  /** What to do about it, when there is one thing to do. */
  readonly fix?: string;
}

/** The read-only clients of one stage's region (IAM is global; its client is the partition's). */
export interface PreflightClients {
  readonly ec2: EC2Client;
  readonly ecs: ECSClient;
  readonly iam: IAMClient;
  readonly s3: S3Client;
  readonly sns: SNSClient;
}

/** The stage a family checks. */
export interface PreflightTarget {
  readonly name: StageName;
  readonly config: StageConfig;
}

/** One family of checks: its name as the report says it ("the instance profile"), and its run. */
export interface CheckFamily {
  readonly name: string;
  readonly run: (target: PreflightTarget, aws: PreflightClients) => Promise<readonly Finding[]>;
}
