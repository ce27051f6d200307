import type { TerraformElement, TerraformResource } from "cdktf";

/**
 * The addresses of the resources an AMI rollout and an adoption are about. They are fixed here,
 * once: the constructs put their resources there ({@link atFixedAddress}), and the change guard,
 * the adoption and the CLI's advice name them from here. Addresses are API: renaming one means
 * destroy-and-recreate in production.
 */
export const FIXED_ADDRESSES = {
  cluster: "aws_ecs_cluster.cluster",
  launchConfiguration: "aws_launch_configuration.instances",
  launchTemplate: "aws_launch_template.instances",
  launchGeneration: "terraform_data.launch_generation",
  autoScalingGroup: "aws_autoscaling_group.instances",
  lowInstanceAlarm: "aws_cloudwatch_metric_alarm.low_instance_alarm",
} as const;

/** One of {@link FIXED_ADDRESSES}. */
export type FixedAddress = (typeof FIXED_ADDRESSES)[keyof typeof FIXED_ADDRESSES];

/** The resource type and the name of an address: `["aws_ecs_cluster", "cluster"]`. */
export function addressParts(address: FixedAddress): readonly [type: string, name: string] {
  const dot = address.indexOf(".");
  return [address.slice(0, dot), address.slice(dot + 1)];
}

/**
 * Gives a resource or data source a fixed, readable Terraform address (`<type>.<name>`) instead
 * of cdktf's path-and-hash one, so plans read like the runbook. ClusterStack rejects two
 * elements with one address.
 */
export function readable<T extends TerraformElement>(element: T, name: string): T {
  element.overrideLogicalId(name);
  return element;
}

/** Puts a resource at one of {@link FIXED_ADDRESSES}; a resource of another type is a bug. */
export function atFixedAddress<T extends TerraformResource>(element: T, address: FixedAddress): T {
  const [type, name] = addressParts(address);
  if (element.terraformResourceType !== type)
    throw new Error(`${address} is an address for ${type}, not ${element.terraformResourceType}`);
  return readable(element, name);
}
