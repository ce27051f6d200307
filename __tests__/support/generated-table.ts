/**
 * A generated markdown table in a doc (between `<!-- generated: <name> -->` and
 * `<!-- end: <name> -->`) and the cells of a table, so a test can hold a doc's table to the code
 * that generates it whatever padding prettier gave the columns.
 */
export function generatedSection(doc: string, name: string): string {
  const pattern = new RegExp(
    `<!-- generated: ${name} -->\\n+([\\s\\S]*?)\\n+<!-- end: ${name} -->`,
  );
  return pattern.exec(doc)?.[1] ?? "";
}

/** Each row's cells, trimmed, a separator row's dashes as `---`. */
export function tableCells(markdown: string): string[][] {
  return markdown.split("\n").map((row) =>
    row
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/^-+$/, "---"))
      .filter(Boolean),
  );
}
