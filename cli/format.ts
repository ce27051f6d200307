/** Output helpers shared by the command groups. */

/** A duration in the unit people gave it, for messages. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Columns padded to their widest cell, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}

/** The "Example(s):" part of a command's help: each line as people type it. */
export function helpExamples(...commands: string[]): string {
  const lines = commands.map((command) => `  $ npm run cluster -- ${command}`);
  return `\nExample${commands.length > 1 ? "s" : ""}:\n${lines.join("\n")}\n`;
}
