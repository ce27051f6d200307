/**
 * Terraform's own timeouts run in real time, while everything they wait for (a capacity wait for
 * the launch gate, a delete for the drains) runs in compressed AWS time inside the rehearsal. So
 * the rehearsal's stack carries each timeout the stacks set converted from AWS time to the real
 * time it lasts there: a 90-minute delete timeout at 50 ms a second is 270 real seconds. A too
 * short timeout stays too short, only faster.
 */
import type { JsonValue, SynthesizedDocument } from "../../change-set/document";
import { realMsFor } from "../clock";

/** Arguments outside a `timeouts` block that hold a Terraform duration. */
const DURATION_ARGUMENTS = ["wait_for_capacity_timeout"] as const;

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** Milliseconds of a Terraform (Go) duration such as `90m`, `1h30m` or `45s`. */
export function durationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0 || parts.map(([part]) => part).join("") !== text) {
    throw new RangeError(`not a Terraform duration: ${JSON.stringify(text)}`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit], 0);
}

/** A Terraform duration in whole seconds, rounded up (the provider's waits resolve no finer). */
export function durationText(ms: number): string {
  return `${Math.ceil(ms / 1000)}s`;
}

/** One timeout as the stacks set it (AWS time) and as the rehearsal applies it (real time). */
export interface ConvertedTimeout {
  /** `aws_autoscaling_group.instances timeouts.delete`. */
  readonly where: string;
  readonly awsTime: string;
  readonly realTime: string;
}

/**
 * The document with every resource's `timeouts` block and `wait_for_capacity_timeout` converted
 * from AWS time to the real time it lasts at `msPerSecond`, and the list of what was converted.
 * `"0"` (a wait turned off) stays off.
 */
export function timeoutsInRealTime(
  document: SynthesizedDocument,
  msPerSecond: number,
): { document: SynthesizedDocument; converted: ConvertedTimeout[] } {
  const converted: ConvertedTimeout[] = [];
  const convert = (where: string, value: JsonValue): JsonValue => {
    if (typeof value !== "string" || value === "0") return value;
    const realTime = durationText(realMsFor(durationMs(value), msPerSecond));
    converted.push({ where, awsTime: value, realTime });
    return realTime;
  };
  const resources = Object.fromEntries(
    Object.entries(document.resource ?? {}).map(([type, byName]) => [
      type,
      Object.fromEntries(
        Object.entries(byName).map(([name, config]) => {
          const address = `${type}.${name}`;
          const next: Record<string, JsonValue> = { ...config };
          for (const argument of DURATION_ARGUMENTS) {
            if (argument in next)
              next[argument] = convert(`${address} ${argument}`, next[argument]);
          }
          const timeouts = next.timeouts as Record<string, JsonValue> | undefined;
          if (timeouts !== undefined) {
            next.timeouts = Object.fromEntries(
              Object.entries(timeouts).map(([operation, value]) => [
                operation,
                convert(`${address} timeouts.${operation}`, value),
              ]),
            );
          }
          return [name, next];
        }),
      ),
    ]),
  );
  return { document: { ...document, resource: resources }, converted };
}
