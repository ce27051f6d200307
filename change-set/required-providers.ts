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
      .filter((key) => !jsonEqual(field(from, key), field(to, key)))
      .map(
        (key) =>
          `${key} ${describe(field(from, key))} → ${describe(field(to, key))} (terraform init -upgrade; what the new provider plans differently is not predicted)`,
      );
    return [{ address, reasons: reasons.length > 0 ? reasons : ["changed"] }];
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

function describe(value: JsonValue | undefined): string {
  return value === undefined ? "unset" : typeof value === "string" ? value : JSON.stringify(value);
}
