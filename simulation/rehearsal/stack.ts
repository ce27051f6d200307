/**
 * A stage's synthesized stack as the rehearsal and the sandbox apply it, once converted for the
 * real provider of the machine's mirror (`forRealProvider`, the same conversions the plan tests
 * use), with the function's zip (a synth asset) copied beside it.
 *
 * Every AWS call the provider makes goes to the simulated AWS. The rehearsal says so in the
 * provider's environment (`AWS_ENDPOINT_URL`, which the provider's AWS SDK honours for every
 * service): the provider's `endpoints` block costs ~6.5 CPU-seconds in each Terraform command of
 * hashicorp/aws 5.100.0 (validating the block's ~300 attributes), two thirds of the provider's
 * work in a rehearsal. The sandbox, whose workspaces a person may run Terraform in by hand, keeps
 * the block in the configuration (`withEndpointsBlock`), so that no command there can reach AWS.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BlockConfig, SynthesizedDocument } from "../../change-set/document";

/** The provider's `endpoints` keys for the services the stacks and the provider call. */
export const ENDPOINT_KEYS = [
  "autoscaling",
  "cloudwatch",
  "cloudwatchlogs",
  "ec2",
  "ecs",
  "iam",
  "lambda",
  "sns",
  "sqs",
  "sts",
] as const;

/** The provider's environment that sends each of its AWS calls to the simulated AWS at `url`. */
export function simulatedAwsEnvironment(url: string): Record<string, string> {
  return { AWS_ENDPOINT_URL: url };
}

/** `document` with each AWS provider's `endpoints` block naming the simulated AWS at `url`. */
export function withEndpointsBlock(
  document: SynthesizedDocument,
  url: string,
): SynthesizedDocument {
  const providers = (document.provider as { aws: BlockConfig[] }).aws;
  const endpoints = Object.fromEntries(ENDPOINT_KEYS.map((key) => [key, url]));
  return {
    ...document,
    provider: { aws: providers.map((config) => ({ ...config, endpoints: [endpoints] })) },
  };
}

/** Copies the synth assets (the drain function's zip) that the stack names relative to itself. */
export function copyAssets(stackDir: string, workspaceDir: string): void {
  const assets = path.join(stackDir, "assets");
  if (fs.existsSync(assets))
    fs.cpSync(assets, path.join(workspaceDir, "assets"), { recursive: true });
}
