/**
 * Whether a parsed JSON value is an object (not null, not an array): the one test every reader
 * of Terraform JSON, states and config in lib/ needs. `T` types its values where the caller knows
 * them (e.g. JsonValue for a synthesized document).
 */
export function isJsonObject<T = unknown>(value: unknown): value is { readonly [key: string]: T } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
