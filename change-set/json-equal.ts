import type { JsonValue } from "./document";

/** Deep equality of JSON values, as Terraform compares configuration: `null` equals omitted. */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a ?? null) === (b ?? null);
  }
  if (isList(a) || isList(b)) {
    return (
      isList(a) &&
      isList(b) &&
      a.length === b.length &&
      a.every((item, index) => jsonEqual(item, b[index]))
    );
  }
  if (typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => jsonEqual(ownValue(a, key), ownValue(b, key)));
  }
  return a === b;
}

function isList(value: JsonValue): value is readonly JsonValue[] {
  return Array.isArray(value);
}

// Own properties only: a config never inherits attributes such as `constructor`.
function ownValue(
  object: { readonly [key: string]: JsonValue },
  key: string,
): JsonValue | undefined {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}
