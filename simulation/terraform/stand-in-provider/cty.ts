/**
 * Terraform's values on the wire: cty types (in their JSON form, as in `providers schema -json`)
 * and the msgpack encoding of `DynamicValue`, where an unknown value is msgpack extension 0
 * (extension 12 carries an unknown with refinements, which the stand-in reads as plain unknown).
 */
import { ExtensionCodec, decode, encode } from "@msgpack/msgpack";

export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", { readonly [attribute: string]: CtyType }, ...unknown[]]
  | readonly ["tuple", readonly CtyType[]];

/** A value not known until apply ("known after apply"). */
export class Unknown {
  // A private member makes the class nominal: no plain object or array is an Unknown.
  private constructor(private readonly marker: "unknown") {}
  toString(): string {
    return `(${this.marker})`;
  }
  static readonly value = new Unknown("unknown");
}
export const UNKNOWN = Unknown.value;

export type Value = null | string | number | boolean | Unknown | Value[] | ObjectValue;
export type ObjectValue = { [attribute: string]: Value };

const UNKNOWN_EXTENSION = 0;
const REFINED_UNKNOWN_EXTENSION = 12;

const codec = new ExtensionCodec();
codec.register({
  type: UNKNOWN_EXTENSION,
  encode: (input) => (input instanceof Unknown ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({
  type: REFINED_UNKNOWN_EXTENSION,
  encode: () => null,
  decode: () => UNKNOWN,
});

export function decodeValue(bytes: Uint8Array | undefined | null): Value {
  if (bytes === undefined || bytes === null || bytes.length === 0) return null;
  return normalize(decode(bytes, { extensionCodec: codec }));
}

/** Encodes `value` as a `type`, with every attribute of every object present (null when unset). */
export function encodeValue(value: Value, type: CtyType): Uint8Array {
  return encode(conform(value, type), { extensionCodec: codec, ignoreUndefined: false });
}

/** msgpack gives Maps only for non-string keys; everything here is a plain object or array. */
function normalize(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (value instanceof Unknown) return value;
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value as string | number | boolean;
}

/**
 * Shapes a (possibly partial) value as `type`: objects get every attribute, numbers written as
 * strings become numbers. Used for state read from JSON and for values the stand-in builds.
 */
export function conform(value: Value | undefined, type: CtyType): Value {
  if (value === undefined || value === null) return null;
  if (value instanceof Unknown) return value;
  if (typeof type === "string") {
    if (type === "number" && typeof value === "string") return Number(value);
    return value;
  }
  const [kind, element] = type;
  switch (kind) {
    case "list":
    case "set":
      return Array.isArray(value) ? value.map((item) => conform(item, element as CtyType)) : value;
    case "map":
      return isObject(value)
        ? Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, conform(v, element as CtyType)]),
          )
        : value;
    case "object": {
      if (!isObject(value)) return value;
      const attributes = element as Record<string, CtyType>;
      return Object.fromEntries(
        Object.entries(attributes).map(([name, attributeType]) => [
          name,
          conform(value[name], attributeType),
        ]),
      );
    }
    case "tuple":
      return Array.isArray(value)
        ? value.map((item, index) => conform(item, (element as CtyType[])[index]))
        : value;
  }
}

export function isObject(value: Value | undefined): value is ObjectValue {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnknown(value);
}

export function isUnknown(value: Value | undefined): value is Unknown {
  return value instanceof Unknown;
}

/** Deep equality; an unknown value equals nothing, not even another unknown. */
export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (isUnknown(a) || isUnknown(b)) return false;
  if (a === undefined || a === null || b === undefined || b === null) {
    return (a ?? null) === (b ?? null);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => valuesEqual(item, b[index]))
    );
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => valuesEqual(a[key], b[key]));
  }
  return a === b;
}
