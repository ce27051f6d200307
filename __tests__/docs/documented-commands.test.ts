import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** The README and every page under docs/, each with its text. */
const pages = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  encoding: "utf8",
})
  .split("\n")
  .filter((file) => file === "README.md" || /^docs\/.*\.md$/.test(file))
  .map((file) => ({ file, text: readFileSync(file, "utf8") }));
const scripts: Record<string, string> = JSON.parse(readFileSync("package.json", "utf8")).scripts;

describe("the documented commands", () => {
  it("are read from the README and docs/", () => {
    expect(pages.map(({ file }) => file)).toEqual(
      expect.arrayContaining(["README.md", "docs/operations.md"]),
    );
  });

  it.each(pages)("run the cdktf CLI only through npm scripts in $file", ({ text }) => {
    // `npx cdktf ...` anywhere, or a shell line starting with cdktf: direct calls, which print
    // the checkpoint error offline.
    const shellLines = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
      block.split("\n").filter((line) => /^\s*cdktf\s/.test(line)),
    );
    const npx = text.split("\n").filter((line) => /npx cdktf/.test(line));
    expect([...shellLines, ...npx]).toEqual([]);
  });

  it.each(Object.entries(scripts).filter(([, command]) => /(^|\s)cdktf\b/.test(command)))(
    "turn off cdktf's checkpoint call in npm run %s",
    (_name, command) => {
      expect(command).toMatch(/^CHECKPOINT_DISABLE=1 cdktf\b/);
    },
  );

  it.each(pages)("name only npm scripts package.json has in $file", ({ text }) => {
    const named = [...text.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map(([, name]) => name);
    expect(named.filter((name) => !Object.hasOwn(scripts, name))).toEqual([]);
  });
});
