import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";

/**
 * The AWS clients of the commands, each loaded on first use so that `--help` and `ami show`
 * never load an SDK. Region is the stage's; credentials, retries and endpoint (AWS_ENDPOINT_URL)
 * come from the SDK's defaults.
 */

export async function ssmClient(region: string): Promise<SSMClient> {
  const { SSMClient } = await import("@aws-sdk/client-ssm");
  return new SSMClient({ region });
}

export async function ec2Client(region: string): Promise<EC2Client> {
  const { EC2Client } = await import("@aws-sdk/client-ec2");
  return new EC2Client({ region });
}

export async function ecsClient(region: string): Promise<ECSClient> {
  const { ECSClient } = await import("@aws-sdk/client-ecs");
  return new ECSClient({ region });
}

export async function autoScalingClient(region: string): Promise<AutoScalingClient> {
  const { AutoScalingClient } = await import("@aws-sdk/client-auto-scaling");
  return new AutoScalingClient({ region });
}

export async function snsClient(region: string): Promise<SNSClient> {
  const { SNSClient } = await import("@aws-sdk/client-sns");
  return new SNSClient({ region });
}
