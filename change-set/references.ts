import type { JsonValue } from "./document";

/** A reference to a resource or data source found in a Terraform expression. */
export interface Reference {
  /** `aws_ecs_cluster.cluster` or `data.aws_iam_policy_document.drain`. */
  readonly address: string;
  /** The attribute read from it (`name` in `aws_ecs_cluster.cluster.name`); absent for the whole object. */
  readonly attribute?: string;
}

// `[data.]type.name[index][.attribute]`, not preceded by `.` so `var.x.aws_a.b` is not a match.
// HCL identifiers may contain `-`.
const REFERENCE =
  /(?<![\w.-])(data\.)?([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?/g;

/**
 * Every reference in a JSON value: strings are searched deeply, through lists, maps and nested
 * blocks, and map keys too. Only the code of `${...}` / `%{...}` interpolations counts, so plain
 * text such as a description mentioning `aws_x.y` is not a reference. Candidates are returned
 * whether or not they name a block that exists (`var.x`, `each.value` look alike); the caller
 * resolves them against its document. Sorted and free of duplicates.
 */
export function referencesIn(value: JsonValue): Reference[] {
  const found = new Map<string, Reference>();
  for (const text of stringsIn(value)) {
    for (const match of expressionCode(text).matchAll(REFERENCE)) {
      const [, dataPrefix = "", type, name, attribute] = match;
      const reference: Reference = {
        address: `${dataPrefix}${type}.${name}`,
        ...(attribute === undefined ? {} : { attribute }),
      };
      found.set(`${reference.address} ${attribute ?? ""}`, reference);
    }
  }
  // Default sort compares UTF-16 code units: the same order everywhere, unlike localeCompare.
  return [...found.keys()].sort().map((key) => found.get(key) as Reference);
}

/**
 * The expression code of a template string: the inside of each `${...}` and `%{...}`, with the
 * text of quoted string literals blanked out (an interpolation nested inside such a literal is
 * code again). Escaped `$${` and `%%{` are literal text.
 */
export function expressionCode(template: string): string {
  const mask = codeMask(template);
  let code = "";
  for (let i = 0; i < template.length; i++) {
    if (!mask[i]) continue;
    const char = template[i];
    // A space in place of structure keeps tokens of neighbouring expressions apart.
    code += char === '"' || char === "{" || char === "}" ? " " : char;
  }
  return code;
}

/** For each character of a template, whether it is expression code (see `expressionCode`). */
export function codeMask(template: string): boolean[] {
  // What the scanner is inside: template text, expression code (an interpolation or a brace
  // inside one), or a quoted string literal within code.
  const stack: Array<"text" | "code" | "quoted"> = ["text"];
  const mask = new Array<boolean>(template.length).fill(false);
  for (let i = 0; i < template.length; i++) {
    const char = template[i];
    const mode = stack[stack.length - 1];
    if (mode === "code") {
      if (char === '"') stack.push("quoted");
      else if (char === "{") stack.push("code");
      else if (char === "}") stack.pop();
      mask[i] = true;
    } else if (mode === "quoted" && char === "\\") {
      i++;
    } else if (mode === "quoted" && char === '"') {
      stack.pop();
    } else if (
      (char === "$" || char === "%") &&
      template[i + 1] === char &&
      template[i + 2] === "{"
    ) {
      i += 2;
    } else if ((char === "$" || char === "%") && template[i + 1] === "{") {
      stack.push("code");
      i++;
    }
  }
  return mask;
}

function* stringsIn(value: JsonValue): Generator<string> {
  if (typeof value === "string") {
    yield value;
  } else if (Array.isArray(value)) {
    for (const item of value) yield* stringsIn(item);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* stringsIn(item);
    }
  }
}
