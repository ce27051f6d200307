import {
  getNodeValue,
  parseTree,
  printParseErrorCode,
  type Node,
  type ParseError,
} from "jsonc-parser";
import { ConfigError, escapeNonAscii, renderPath } from "./config-error";

/** What each syntax error means, in the words of someone fixing the file. */
const SYNTAX_ERRORS: Readonly<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a key in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: 'expected ":" after the key',
  CommaExpected: 'expected "," between entries',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the list',
  EndOfFileExpected: "unexpected text after the end of the document",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "unterminated comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "malformed number",
  InvalidUnicode: "malformed \\u escape",
  InvalidEscapeCharacter: "invalid escape sequence",
  InvalidCharacter: "control character in a string (escape it)",
  "<unknown ParseErrorCode>": "not valid JSON",
};

const BYTE_ORDER_MARK = "\ufeff";

/**
 * Parses a JSON document people edit, stricter and clearer than `JSON.parse`: a syntax error or
 * a key given twice in one object (JSON.parse silently keeps the last) is a ConfigError whose
 * one-line message starts `<source>:<line>:<column>:`. A leading UTF-8 byte-order mark, which
 * some editors add, is skipped. Comments and trailing commas are errors, as in JSON.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false });
  const at = (offset: number) => `${source}:${position(body, offset)}`;
  if (errors.length > 0) {
    const { error, offset } = errors[0];
    return fail(`${at(offset)}: not valid JSON: ${syntaxMessage(body, error, offset)}`);
  }
  // Without errors the parser has a tree; the check only narrows the type.
  if (tree === undefined) return fail(`${at(0)}: not valid JSON: expected a value`);
  const duplicate = firstDuplicateKey(tree, []);
  if (duplicate !== undefined) {
    const { path, node, first } = duplicate;
    const line = position(body, first.offset).split(":")[0];
    return fail(
      `${at(node.offset)}: ${renderPath(path)}: key given twice (first on line ${line}); keep one`,
    );
  }
  return getNodeValue(tree);
}

function fail(message: string): never {
  throw new ConfigError(message);
}

function syntaxMessage(text: string, error: number, offset: number): string {
  const code = printParseErrorCode(error);
  // `{"a": 1,}`: the parser wants another key or value where the author meant the end.
  const closing = text[offset];
  if (
    (code === "PropertyNameExpected" || code === "ValueExpected") &&
    (closing === "}" || closing === "]") &&
    text.slice(0, offset).trimEnd().endsWith(",")
  ) {
    return `trailing comma before "${closing}"`;
  }
  if (code === "InvalidSymbol" && text[offset] !== undefined) {
    return `unexpected character ${escapeNonAscii(JSON.stringify(text[offset]))}`;
  }
  return SYNTAX_ERRORS[code];
}

/** 1-based `line:column` of a character offset. */
function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - (before.lastIndexOf("\n") + 1) + 1;
  return `${line}:${column}`;
}

interface Duplicate {
  readonly path: readonly (string | number)[];
  /** The later property node. */
  readonly node: Node;
  readonly first: Node;
}

/** The first key, in document order, that appears twice in one object. */
function firstDuplicateKey(node: Node, path: readonly (string | number)[]): Duplicate | undefined {
  const children = node.children ?? [];
  if (node.type === "array") {
    for (const [index, child] of children.entries()) {
      const found = firstDuplicateKey(child, [...path, index]);
      if (found !== undefined) return found;
    }
  }
  if (node.type !== "object") return undefined;
  const seen = new Map<string, Node>();
  for (const property of children) {
    const [keyNode, valueNode] = property.children ?? [];
    const key = String(keyNode?.value);
    const first = seen.get(key);
    if (first !== undefined) return { path: [...path, key], node: property, first };
    seen.set(key, property);
    const found = valueNode && firstDuplicateKey(valueNode, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
