import { parseArgs } from "node:util";

/**
 * A benchmark's flags: each of `counts` a whole number of at least 1 (`--runs 5`), with its
 * default, and each of `switches` on when given (`--cold`), from `args` (the command line's). An
 * unknown flag or a bad number is one line naming it and the flags there are, exit 2.
 */
export function benchFlags<Count extends string, Switch extends string = never>(
  script: string,
  counts: Record<Count, number>,
  switches: readonly Switch[] = [],
  args: readonly string[] = process.argv.slice(2),
): Record<Count, number> & Record<Switch, boolean> {
  const fail = (message: string): never => {
    const known = [
      ...Object.keys(counts).map((name) => `--${name} <n>`),
      ...switches.map((name) => `--${name}`),
    ];
    console.error(`bench:${script}: ${message} (flags: ${known.join(", ")})`);
    process.exit(2);
  };
  let values: Record<string, unknown> = {};
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: Object.fromEntries([
        ...Object.keys(counts).map((name) => [name, { type: "string" as const }]),
        ...switches.map((name) => [name, { type: "boolean" as const }]),
      ]),
    }));
  } catch (error) {
    // Node's message, up to its advice on positionals.
    fail((error as Error).message.split(". ")[0]);
  }
  const parsed: Record<string, number | boolean> = {};
  for (const [name, fallback] of Object.entries<number>(counts)) {
    const text = values[name];
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isInteger(value) || value < 1)
      fail(`--${name} must be a whole number of at least 1, got "${String(text)}"`);
    parsed[name] = value;
  }
  for (const name of switches) parsed[name] = values[name] === true;
  return parsed as Record<Count, number> & Record<Switch, boolean>;
}
