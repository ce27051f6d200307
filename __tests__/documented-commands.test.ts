import { readFileSync } from "node:fs";

const readme = readFileSync("README.md", "utf8");
const scripts: Record<string, string> = JSON.parse(readFileSync("package.json", "utf8")).scripts;

describe("the documented commands", () => {
  it("run the cdktf CLI only through npm scripts", () => {
    // `npx cdktf ...` anywhere, or a shell line starting with cdktf: direct calls, which print
    // the checkpoint error offline.
    const shellLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap(([, block]) =>
      block.split("\n").filter((line) => /^\s*cdktf\s/.test(line)),
    );
    const npx = readme.split("\n").filter((line) => /npx cdktf/.test(line));
    expect([...shellLines, ...npx]).toEqual([]);
  });

  it.each(Object.entries(scripts).filter(([, command]) => /(^|\s)cdktf\b/.test(command)))(
    "turn off cdktf's checkpoint call in npm run %s",
    (_name, command) => {
      expect(command).toMatch(/^CHECKPOINT_DISABLE=1 cdktf\b/);
    },
  );

  it("include the npm scripts the README names", () => {
    const named = [...readme.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map(([, name]) => name);
    expect(named.filter((name) => !Object.hasOwn(scripts, name))).toEqual([]);
  });
});
