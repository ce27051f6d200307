/**
 * Copies each command's `--help` into docs/cli.md, under its `<!-- help: <args> -->` marker:
 *
 *   npm run docs:generate
 *
 * Run it after changing a command's options or help text: __tests__/docs/cli-help.test.ts fails
 * until the committed file shows what the CLI prints.
 */
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";

export const CLI_REFERENCE = "docs/cli.md";

/** A marker and the `text` block under it: the block is what `apps-cluster <args>` prints. */
const HELP_BLOCK = /^<!-- help: (.+) -->\n\n```text\n[\s\S]*?^```$/gm;

/** The arguments of every help block in `markdown`, in order. */
export function helpMarkers(markdown: string): string[] {
  return [...markdown.matchAll(HELP_BLOCK)].map(([, args]) => args);
}

/** The text of the help block under the marker for `args`. */
export function shownHelp(markdown: string, args: string): string | undefined {
  const block = [...markdown.matchAll(HELP_BLOCK)].find(([, marked]) => marked === args);
  return block?.[0].replace(/^[\s\S]*?```text\n/, "").replace(/```$/, "");
}

/**
 * What `npm run cluster -- <args>` prints, run as people run it. In a pipe, so commander wraps
 * at 80 columns without colour whatever terminal runs this; without STAGES_FILE, so the
 * `--stages-file` default is the committed one.
 */
export async function helpOf(args: string): Promise<string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !["STAGES_FILE", "FORCE_COLOR", "CLICOLOR_FORCE"].includes(name),
    ),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["bin/apps-cluster.cjs", ...args.split(" ")],
    { env: { ...env, NO_COLOR: "1" } },
  );
  return stdout;
}

/** `markdown` with every help block replaced by what its command prints now (`help`). */
export async function withCurrentHelp(
  markdown: string,
  help: (args: string) => Promise<string> = helpOf,
): Promise<string> {
  const [first, ...rest] = helpMarkers(markdown);
  // The first start bundles the CLI when its sources changed; two starts bundling at once
  // would remove each other's bundle.
  const helps = new Map(first === undefined ? [] : [[first, await help(first)]]);
  for (const [args, text] of await Promise.all(
    rest.map(async (args) => [args, await help(args)] as const),
  )) {
    helps.set(args, text);
  }
  return markdown.replace(
    HELP_BLOCK,
    (_block, args: string) => `<!-- help: ${args} -->\n\n\`\`\`text\n${helps.get(args)}\`\`\``,
  );
}

if (require.main === module) {
  void withCurrentHelp(readFileSync(CLI_REFERENCE, "utf8")).then((markdown) => {
    writeFileSync(CLI_REFERENCE, markdown);
    console.log(`wrote ${CLI_REFERENCE}`);
  });
}
