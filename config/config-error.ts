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
 * invisible characters escaped; cut to one readable line, saying what was left out.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  const text = json === undefined ? String(value) : escapeInvisible(json);
  if (text.length <= MAX_VALUE_LENGTH) return text;
  return `${text.slice(0, MAX_VALUE_LENGTH)}… (${sizeOf(value, text)})`;
}

/**
 * A path into a JSON document as people read it: `staging.subnetIds[1]`. A key that is not a
 * plain name is quoted, invisible characters escaped: `staging["ami\u200bId"]`.
 */
export function renderPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${out}[${escapeInvisible(JSON.stringify(key))}]`;
    return out ? `${out}.${key}` : key;
  }, "");
}

// Control, format (zero-width, byte-order mark, direction marks), private-use and separator
// characters other than the plain space: what a terminal shows as nothing or as something else.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

/** Replaces every invisible character with its `\uXXXX` escape. */
export function escapeInvisible(text: string): string {
  return text.replace(
    INVISIBLE,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

function sizeOf(value: unknown, text: string): string {
  if (Array.isArray(value)) return `a list of ${value.length} items`;
  if (typeof value === "object" && value !== null) {
    return `an object with ${Object.keys(value).length} keys`;
  }
  return `${text.length} characters`;
}
