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

/** Renders a received value for an error message: JSON where it can be, so strings keep quotes. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}
