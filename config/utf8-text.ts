import { isUtf8 } from "node:buffer";
import { readFileSync } from "node:fs";
import { ConfigError } from "./config-error";

/**
 * Reads a file people edit as UTF-8 text, refusing what is not: a file an editor saved as
 * UTF-16 (which the JSON parser would call an "unexpected character"), and bytes that are not
 * UTF-8 (which Node would silently turn into U+FFFD inside a value).
 */

const HOW_TO_FIX = 'save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; or iconv -t UTF-8)';

/** The text of `path`; a ConfigError, one line with where and what to do, for anything else. */
export function readUtf8File(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ConfigError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`);
  }
  return decodeUtf8(bytes, path);
}

/** `bytes` as text, or a ConfigError naming `source`. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  // UTF-16 starts with its byte-order mark (FF FE or FE FF), or has a zero byte in every other
  // position; neither is possible in UTF-8 JSON.
  const utf16Mark =
    (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16Mark || bytes.includes(0)) {
    throw new ConfigError(`${source}: not UTF-8: it is saved as UTF-16; ${HOW_TO_FIX}`);
  }
  const text = new TextDecoder("utf-8").decode(bytes);
  if (isUtf8(bytes)) return text;
  // Up to the first bad byte the text re-encodes to the same bytes.
  const again = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length && bytes[offset] === again[offset]) offset++;
  const before = new TextDecoder("utf-8").decode(bytes.subarray(0, offset));
  const line = before.split("\n").length;
  const column = before.length - (before.lastIndexOf("\n") + 1) + 1;
  const byte = bytes[offset].toString(16).toUpperCase().padStart(2, "0");
  throw new ConfigError(
    `${source}:${line}:${column}: not UTF-8: byte 0x${byte} (perhaps the file, or what was pasted into it, is Latin-1 or Windows-1252); ${HOW_TO_FIX}`,
  );
}
