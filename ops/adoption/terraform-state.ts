import { ConfigError } from "../../config/config-error";
import { isJsonObject } from "../../change-set/json-object";

/** One resource instance of a Terraform state, whichever format it was read from. */
export interface StateResource {
  /** `module.staging_cluster.aws_ecs_cluster.cluster` (with `[0]` and the like when indexed). */
  readonly address: string;
  /** `module.staging_cluster`, or undefined in the root module. */
  readonly module?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  /** The attributes Terraform recorded for the object. */
  readonly attributes: Readonly<Record<string, unknown>>;
  /**
   * Set for a deposed object: one `create_before_destroy` left behind when the apply that was
   * replacing it did not finish (the deposed key Terraform gave it).
   */
  readonly deposed?: string;
}

/**
 * Reads a Terraform state: the raw state file (`terraform.tfstate`, format version 4, as `terraform
 * state pull` prints it) or `terraform show -json` of it. Anything else is a ConfigError naming
 * `source` and what was wrong.
 */
export function parseTerraformState(text: string, source: string): StateResource[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (isJsonObject(document) && document.version === 4 && Array.isArray(document.resources)) {
    return fromRawState(document.resources, source);
  }
  if (isJsonObject(document) && typeof document.format_version === "string") {
    if ("planned_values" in document || "resource_changes" in document) {
      throw new ConfigError(
        `${source}: a Terraform plan, not a state (\`terraform show -json\` of a plan file): pass the state, e.g. \`terraform state pull\` or \`terraform show -json\` without a plan file`,
      );
    }
    const root = isJsonObject(document.values) ? document.values.root_module : undefined;
    return isJsonObject(root) ? fromShowJson(root) : [];
  }
  if (isJsonObject(document) && typeof document.version === "number") {
    throw new ConfigError(
      `${source}: state format version ${document.version} is not supported (version 4, written by Terraform 0.12 or newer, is)`,
    );
  }
  throw new ConfigError(
    `${source}: not a Terraform state (expected terraform.tfstate version 4 or \`terraform show -json\` output)`,
  );
}

function fromRawState(resources: unknown[], source: string): StateResource[] {
  return resources.flatMap((resource, i) => {
    if (!isJsonObject(resource) || !Array.isArray(resource.instances)) {
      throw new ConfigError(`${source}: resources[${i}] is not a state resource`);
    }
    const { module, mode, type, name } = resource;
    if (typeof type !== "string" || typeof name !== "string") {
      throw new ConfigError(`${source}: resources[${i}] has no type or name`);
    }
    return resource.instances.map((instance) => {
      const attributes =
        isJsonObject(instance) && isJsonObject(instance.attributes) ? instance.attributes : {};
      const key = isJsonObject(instance) ? instance.index_key : undefined;
      const index = key === undefined ? "" : `[${JSON.stringify(key)}]`;
      const prefix = `${typeof module === "string" ? `${module}.` : ""}${mode === "data" ? "data." : ""}`;
      const deposed = isJsonObject(instance) ? instance.deposed : undefined;
      return {
        address: `${prefix}${type}.${name}${index}`,
        module: typeof module === "string" ? module : undefined,
        mode: mode === "data" ? "data" : "managed",
        type,
        name,
        attributes,
        ...(typeof deposed === "string" ? { deposed } : {}),
      } satisfies StateResource;
    });
  });
}

/** `terraform show -json`: resources of the root module and, recursively, its child modules. */
function fromShowJson(
  module: Readonly<Record<string, unknown>>,
  moduleAddress?: string,
): StateResource[] {
  const own = (Array.isArray(module.resources) ? module.resources : [])
    .filter(isJsonObject)
    .map((resource): StateResource => ({
      address: String(resource.address),
      module: moduleAddress,
      mode: resource.mode === "data" ? "data" : "managed",
      type: String(resource.type),
      name: String(resource.name),
      attributes: isJsonObject(resource.values) ? resource.values : {},
      ...(typeof resource.deposed_key === "string" ? { deposed: resource.deposed_key } : {}),
    }));
  const children = (Array.isArray(module.child_modules) ? module.child_modules : [])
    .filter(isJsonObject)
    .flatMap((child) => fromShowJson(child, String(child.address)));
  return [...own, ...children];
}
