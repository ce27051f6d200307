/**
 * A mistake in what people wrote (stages.json, construct props, CLI arguments), as opposed to a
 * bug. Entry points print its one-line message and exit non-zero, without a stack trace.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

// Long enough for any id, ARN or setting; a whole stage pasted into a message is not readable.
const MAX_VALUE_LENGTH = 80;

/**
 * Renders a received value for an error message: JSON where it can be, so strings keep quotes;
 * characters other than printable ASCII escaped; cut to one readable line, saying what was left out.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  const text = json === undefined ? String(value) : escapeNonAscii(json);
  if (text.length <= MAX_VALUE_LENGTH) return text;
  return `${text.slice(0, MAX_VALUE_LENGTH)}… (${sizeOf(value, text)})`;
}

/**
 * A path into a JSON document as people read it: `staging.subnetIds[1]`. A key that is not a
 * plain name is quoted, characters other than printable ASCII escaped: `staging["ami\u200bId"]`.
 */
export function renderPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${out}[${escapeNonAscii(JSON.stringify(key))}]`;
    return out ? `${out}.${key}` : key;
  }, "");
}

// Anything but printable ASCII: invisible characters (zero-width, byte-order mark, direction
// marks, controls) and look-alikes (a Cyrillic "а" in an id) show as what they are. Matched per
// UTF-16 unit, so a character beyond the BMP becomes its JSON surrogate pair.
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;

/** Replaces every character that is not printable ASCII with its `\uXXXX` escape. */
export function escapeNonAscii(text: string): string {
  return text.replace(
    NOT_PRINTABLE_ASCII,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function sizeOf(value: unknown, text: string): string {
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === "object" && value !== null) {
    return `an object with ${Object.keys(value).length} keys`;
  }
  return `${text.length} characters`;
}
