import type { BlockConfig, JsonValue } from "./document";

/**
 * What the hashicorp/aws provider plans for an argument left out of a block, where the stacks
 * may also write that value explicitly: leaving it out and writing its default plan alike, so the
 * prediction compares them alike. Read from the resource schemas in terraform-provider-aws
 * (internal/service/...); the real-provider agreement holds each entry to the provider's plan
 * (`simulation/terraform/real-provider/cases.ts`, "without a provider default").
 */
export const PROVIDER_DEFAULTS: Readonly<Record<string, Readonly<Record<string, JsonValue>>>> = {
  // autoscaling/launch_configuration.go: an optional bool; left out, the object has false. The
  // stacks write it since `associatePublicIpAddress` became a stage field; stacks synthesized
  // before that leave it out.
  aws_launch_configuration: { associate_public_ip_address: false },
};

/** An argument's value as the provider plans it: the block's own, else the provider's default. */
export function plannedArgument(
  type: string,
  config: BlockConfig,
  argument: string,
): JsonValue | undefined {
  if (Object.hasOwn(config, argument)) return config[argument];
  return PROVIDER_DEFAULTS[type]?.[argument];
}
