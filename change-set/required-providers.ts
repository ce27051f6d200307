import type { JsonValue, SynthesizedDocument } from "./document";
import { jsonEqual } from "./json-equal";
import { isJsonObject } from "./json-object";

/**
 * A changed `terraform.required_providers` entry: another provider version (or source) is a
 * change of its own. It touches no resource in the configuration, but `terraform init -upgrade`
 * installs a provider whose plan of the same configuration may differ (new defaults, new
 * ForceNew rules, state upgrades), which the prediction does not know: it must never read as
 * "no changes".
 */
export interface RequiredProviderChange {
  /** `terraform.required_providers.aws` */
  readonly address: string;
  readonly reasons: readonly string[];
}

export function requiredProviderChanges(
  before: SynthesizedDocument,
  after: SynthesizedDocument,
): RequiredProviderChange[] {
  const [old, current] = [requiredOf(before), requiredOf(after)];
  const names = [...new Set([...Object.keys(old), ...Object.keys(current)])].sort();
  return names.flatMap((name) => {
    const [from, to] = [old[name], current[name]];
    if (jsonEqual(from, to)) return [];
    const address = `terraform.required_providers.${name}`;
    if (from === undefined) return [{ address, reasons: ["added"] }];
    if (to === undefined) return [{ address, reasons: ["removed"] }];
    const reasons = ["source", "version"]
      .filter((key) => !jsonEqual(comparable(from, key), comparable(to, key)))
      .map(
        (key) =>
          `${key} ${describe(field(from, key))} → ${describe(field(to, key))} (terraform init -upgrade; what the new provider plans differently is not predicted)`,
      );
    if (reasons.length > 0) return [{ address, reasons }];
    return jsonEqual(otherFields(from), otherFields(to)) ? [] : [{ address, reasons: ["changed"] }];
  });
}

function requiredOf(document: SynthesizedDocument): Record<string, JsonValue> {
  const terraform = document.terraform;
  if (!isJsonObject(terraform) || !isJsonObject(terraform.required_providers)) return {};
  return terraform.required_providers as Record<string, JsonValue>;
}

// An entry is an object ({ source, version }) or, in older syntax, a version string.
function field(entry: JsonValue, key: string): JsonValue | undefined {
  if (typeof entry === "string") return key === "version" ? entry : undefined;
  return isJsonObject(entry) && Object.hasOwn(entry, key) ? (entry[key] as JsonValue) : undefined;
}

function otherFields(entry: JsonValue): JsonValue {
  if (!isJsonObject(entry)) return null;
  return Object.fromEntries(
    Object.entries(entry).filter(([key]) => key !== "source" && key !== "version"),
  );
}

/**
 * A field as Terraform reads it: a source names the same provider whether written `aws`
 * (cdktf), `hashicorp/aws` (CDK Terrain) or in full, `registry.terraform.io/hashicorp/aws`.
 */
function comparable(entry: JsonValue, key: string): JsonValue | undefined {
  const value = field(entry, key);
  if (key !== "source" || typeof value !== "string") return value;
  const parts = value.toLowerCase().split("/");
  return [
    ...["registry.terraform.io", "hashicorp"].slice(0, Math.max(0, 3 - parts.length)),
    ...parts,
  ].join("/");
}

function describe(value: JsonValue | undefined): string {
  return value === undefined ? "unset" : typeof value === "string" ? value : JSON.stringify(value);
}
