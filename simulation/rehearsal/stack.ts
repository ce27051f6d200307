/**
 * A stage's synthesized stack as the rehearsal applies it: converted for the real provider of
 * the machine's mirror (`../terraform/real-provider/convert.ts`, the same conversions the plan
 * tests use) and with every service the stacks call pointed at the simulated AWS through the
 * provider's own `endpoints` block. The function's zip (a synth asset) is copied beside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BlockConfig, SynthesizedDocument } from "../../change-set/document";
import { forRealProvider } from "../terraform/real-provider/convert";

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

export function againstSimulatedAws(
  document: SynthesizedDocument,
  providerVersion: string,
  url: string,
): SynthesizedDocument {
  const converted = forRealProvider(document, { providerVersion });
  const providers = (converted.provider as { aws: BlockConfig[] }).aws;
  const endpoints = Object.fromEntries(ENDPOINT_KEYS.map((key) => [key, url]));
  return {
    ...converted,
    provider: { aws: providers.map((config) => ({ ...config, endpoints: [endpoints] })) },
  };
}

/** Copies the synth assets (the drain function's zip) that the stack names relative to itself. */
export function copyAssets(stackDir: string, workspaceDir: string): void {
  const assets = path.join(stackDir, "assets");
  if (fs.existsSync(assets))
    fs.cpSync(assets, path.join(workspaceDir, "assets"), { recursive: true });
}
