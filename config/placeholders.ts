/**
 * The placeholder convention of stacks/stages.json: a string value written as
 * `"PLACEHOLDER:<example>"` is an example that must be replaced before the first deploy (the
 * VPC ids, bucket and topic in the file as it ships look real but are not the team's). The
 * loader validates and synthesizes the example after the prefix, so a fresh clone synthesizes;
 * synth warns once per stage that still has any.
 */

import { renderPath } from "./config-error";

export const PLACEHOLDER_PREFIX = "PLACEHOLDER:";

// Case does not matter: a hand-typed `placeholder:` means the same.
const PREFIX = new RegExp(`^${PLACEHOLDER_PREFIX}`, "i");

/** `raw` with every placeholder prefix removed, and where each was, as key paths. */
export function stripPlaceholders(raw: unknown): {
  value: unknown;
  placeholders: (string | number)[][];
} {
  const placeholders: (string | number)[][] = [];
  const strip = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === "string" && PREFIX.test(value)) {
      placeholders.push(path);
      return value.replace(PREFIX, "");
    }
    if (Array.isArray(value)) return value.map((item, index) => strip(item, [...path, index]));
    if (typeof value === "object" && value !== null) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, strip(item, [...path, key])]),
      );
    }
    return value;
  };
  return { value: strip(raw, []), placeholders };
}

/** Rendered paths inside one stage (`subnetIds[0]`), for a warning. */
export function placeholderFields(
  placeholders: readonly (readonly (string | number)[])[],
  stage: string,
): string[] {
  return placeholders.filter(([first]) => first === stage).map((path) => renderPath(path.slice(1)));
}
