import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";

/**
 * docs/atlantis.md links the server's files instead of quoting them; what it does quote (a
 * step's command, a flag's value) must be what the files say. Its rendered comment is checked
 * against the real steps' output by the playback test.
 */

const DOC = "docs/atlantis.md";
const doc = readFileSync(DOC, "utf8");
const reposYaml = readFileSync("atlantis/repos.yaml", "utf8");
const flags = parse(readFileSync("atlantis/server.yaml", "utf8")) as Record<string, unknown>;
const prose = doc.replace(/```[\s\S]*?```/g, "");
const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);

describe(DOC, () => {
  it("quotes no config file: its only fenced block is the rendered comment", () => {
    expect([...doc.matchAll(/^```(\w*)$/gm)].map((m) => m[1]).filter(Boolean)).toEqual(["diff"]);
  });

  it.each([...doc.matchAll(/\]\((\.\.\/[^)#]+)\)/g)].map((m) => m[1]))(
    "links %s, which exists",
    (link) => {
      expect(existsSync(join(dirname(DOC), link))).toBe(true);
    },
  );

  it("names each judge's command as repos.yaml runs it", () => {
    const judges = spans.filter((span) => span.startsWith("apps-cluster-judge "));
    expect(judges.length).toBeGreaterThan(0);
    for (const judge of judges) expect(reposYaml).toContain(judge.replace(/ \.\.\.$/, ""));
  });

  it("gives each server flag it names with a value the value server.yaml has", () => {
    const named = spans
      .map((span) => /^([a-z-]+): (.+)$/.exec(span))
      .filter((match): match is RegExpExecArray => match !== null && match[1] in flags);
    expect(named.length).toBeGreaterThan(0);
    for (const [, flag, value] of named) expect([flag, value]).toEqual([flag, String(flags[flag])]);
  });
});
