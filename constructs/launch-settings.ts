/**
 * What an instance launches with, whichever launch kind (configuration or template) carries it:
 * one definition, so the two kinds cannot drift apart.
 */
export interface LaunchSettings {
  /** The ECS-optimized AMI to boot. */
  readonly amiId: string;
  /** EC2 instance type, e.g. `t3.large`. */
  readonly instanceType: string;
  /** Name of the IAM instance profile that lets the ECS agent register the instance. */
  readonly instanceProfileName: string;
  /** Security groups of the instances. */
  readonly securityGroupIds: readonly string[];
  /** EC2 key pair for SSH, or none. */
  readonly keyName?: string;
  /** The user data script, as text (the template carries it base64-encoded). */
  readonly userData: string;
  /** How many hops an IMDSv2 token may travel (IMDSv1 is always off). */
  readonly instanceMetadataHopLimit: 1 | 2;
  /** Size of the encrypted gp3 root volume. */
  readonly rootVolumeSizeGiB: number;
}

/** IMDSv2 only; the hop limit decides whether bridge-network containers reach it. */
export function metadataOptions(settings: LaunchSettings) {
  return {
    httpEndpoint: "enabled",
    httpTokens: "required",
    httpPutResponseHopLimit: settings.instanceMetadataHopLimit,
  };
}

/** User data that joins the instance to the cluster and applies the agent settings. */
export function ecsUserData(
  clusterName: string,
  settings: Readonly<Record<string, string>>,
): string {
  const lines = [`ECS_CLUSTER=${clusterName}`];
  for (const key of Object.keys(settings).sort()) lines.push(`${key}=${settings[key]}`);
  return ["#!/bin/bash", "cat >> /etc/ecs/ecs.config <<'EOF'", ...lines, "EOF", ""].join("\n");
}
