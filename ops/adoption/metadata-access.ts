/**
 * Who can reach the instance metadata service (IMDS) under a launch configuration's
 * `metadata_options`, and what the first rollout after adoption takes away from containers:
 * the old launch configuration usually allowed IMDSv1, this project's requires IMDSv2.
 */

/** A launch configuration's metadata options, as Terraform records or synthesizes them. */
export interface MetadataOptions {
  /** `enabled` or `disabled`. */
  readonly httpEndpoint: string;
  /** `optional` (IMDSv1 and IMDSv2) or `required` (IMDSv2 only). */
  readonly httpTokens: string;
  /** How many hops the IMDSv2 token response travels; 1 stops at the instance. */
  readonly hopLimit: number;
}

/**
 * What EC2 uses when a launch configuration sets no `metadata_options` (the HCL one did not):
 * the endpoint on, IMDSv1 allowed, a hop limit of 1.
 */
export const EC2_DEFAULT_METADATA_OPTIONS: MetadataOptions = {
  httpEndpoint: "enabled",
  httpTokens: "optional",
  hopLimit: 1,
};

/** The metadata options in a launch configuration's attributes (state or synthesized JSON). */
export function metadataOptionsOf(attributes: Readonly<Record<string, unknown>>): MetadataOptions {
  const raw = attributes.metadata_options;
  // State keeps a nested block as a list of one object; synthesized JSON as the object itself.
  const block = (Array.isArray(raw) ? raw[0] : raw) as Record<string, unknown> | undefined;
  if (block === undefined || block === null) return EC2_DEFAULT_METADATA_OPTIONS;
  const text = (value: unknown, fallback: string) =>
    typeof value === "string" && value !== "" ? value : fallback;
  const hops = block.http_put_response_hop_limit;
  return {
    httpEndpoint: text(block.http_endpoint, EC2_DEFAULT_METADATA_OPTIONS.httpEndpoint),
    httpTokens: text(block.http_tokens, EC2_DEFAULT_METADATA_OPTIONS.httpTokens),
    hopLimit: typeof hops === "number" && hops > 0 ? hops : EC2_DEFAULT_METADATA_OPTIONS.hopLimit,
  };
}

/** The IMDS versions a container in bridge network mode (one hop past the instance) can use. */
export function containerAccess(options: MetadataOptions): ("IMDSv1" | "IMDSv2")[] {
  if (options.httpEndpoint !== "enabled") return [];
  const access: ("IMDSv1" | "IMDSv2")[] = [];
  // IMDSv1 is a plain GET: the hop limit applies only to the IMDSv2 token's PUT response.
  if (options.httpTokens === "optional") access.push("IMDSv1");
  if (options.hopLimit >= 2) access.push("IMDSv2");
  return access;
}

const describe = (access: readonly string[]) =>
  access.length === 0 ? "no instance metadata" : access.join(" and ");

/**
 * Plain lines for the operator: what bridge-mode containers can reach before and after the
 * rollout, and, when they lose something, what breaks and what to check before applying.
 */
export function metadataAccessReport(before: MetadataOptions, after: MetadataOptions): string[] {
  const old = containerAccess(before);
  const next = containerAccess(after);
  const lost = old.filter((version) => !next.includes(version));
  const lines = [
    `instance metadata for containers in bridge network mode (ECS's default on EC2): now ${describe(old)} (http_tokens ${before.httpTokens}, hop limit ${before.hopLimit}); on the new instances ${describe(next)} (http_tokens ${after.httpTokens}, hop limit ${after.hopLimit})`,
  ];
  if (lost.length === 0) return lines;
  lines.push(
    `  containers lose ${lost.join(" and ")} the moment they land on a new instance. Before applying, check:`,
    "  - every task definition has a task role (taskRoleArn): an app or agent without one falls back to the instance profile's credentials through IMDS, and gets none",
    "  - apps and sidecars (log or metrics agents, SDKs) that read instance metadata (instance id, AZ, region): use the ECS task metadata endpoint (ECS_CONTAINER_METADATA_URI_V4) instead",
  );
  if (lost.includes("IMDSv1")) {
    lines.push(
      "  - code that speaks only IMDSv1 (old AWS SDKs and tools) breaks for good: IMDSv1 stays off",
    );
  }
  if (!next.includes("IMDSv2")) {
    lines.push(
      '  if containers must reach instance metadata, set "instanceMetadataHopLimit": 2 for the stage in stacks/stages.json (IMDSv2 only)',
    );
  }
  return lines;
}
