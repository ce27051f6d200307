/**
 * Naming rules checked both where people write values (stacks/stages.json) and where constructs
 * receive them, so the two checks and their messages cannot drift apart.
 */

/** An EC2-style id (AMI, subnet, security group): `<prefix>-` and 8 (older) or 17 hex digits. */
export function resourceIdPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
}

export function resourceIdRule(prefix: string): string {
  return `must be "${prefix}-" followed by 8 or 17 lowercase hex digits`;
}

/**
 * ECS cluster names as used here: kept to 40 characters because the generated launch
 * configuration and ASG names add 26 to the `<clusterName>-` prefix.
 */
export const CLUSTER_NAME_PATTERN = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;

export const CLUSTER_NAME_RULE =
  "must be 2-40 lowercase letters, digits or hyphens, starting with a letter";
