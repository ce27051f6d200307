import { InvalidArgumentError } from "commander";
import { regionProblem } from "../config/aws-rules/regions";

/** Parses a duration like `90s`, `15m` or `1h` into milliseconds (commander option parser). */
export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(value);
  if (match === null || Number(match[1]) === 0) {
    throw new InvalidArgumentError(
      "expected a positive whole number of s, m or h, like 15s or 60m.",
    );
  }
  const ms = Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as "s" | "m" | "h"];
  // Longer than any rollout, and Node's timers fire at once past 2^31 ms (about 24 days).
  if (ms > MAX_DURATION_MS) throw new InvalidArgumentError("expected at most 24h.");
  return ms;
}

const MAX_DURATION_MS = 24 * 3_600_000;

/** Checks a `--region` against the AWS SDK's partition data (commander option parser). */
export function parseRegion(value: string): string {
  const problem = regionProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}.`);
  return value;
}
