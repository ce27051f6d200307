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
