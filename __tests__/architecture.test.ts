import { execFileSync } from "node:child_process";
import { posix } from "node:path";
import { buildSync } from "esbuild";

/**
 * The layout is the architecture (docs/design.md, Layout): which folder may import which, no
 * import cycles, no folder that has grown into two concerns. Read from esbuild's own import
 * graph of every source file, so a test file or a dynamic `import()` counts like any other.
 */

const SOURCE_FOLDERS = ["stacks", "constructs", "config", "lambda", "change-set", "ops", "cli"];

const sources = execFileSync("git", ["ls-files", "main.ts", ...SOURCE_FOLDERS], {
  encoding: "utf8",
})
  .trim()
  .split("\n")
  .filter((file) => file.endsWith(".ts"));

/** Each source file's imports of other project files (packages and JSON data left out). */
const graph: ReadonlyMap<string, readonly string[]> = (() => {
  const { metafile } = buildSync({
    entryPoints: sources,
    bundle: true,
    platform: "node",
    packages: "external",
    metafile: true,
    write: false,
    outdir: "unused",
    logLevel: "silent",
  });
  return new Map(
    Object.entries(metafile.inputs)
      .filter(([file]) => file.endsWith(".ts"))
      .map(([file, { imports }]) => [
        file,
        imports.map((edge) => edge.path).filter((path) => path.endsWith(".ts")),
      ]),
  );
})();

/** The layer of a file: its top folder, or `lambda/bundle` / `lambda/instance-drain`. */
function layer(file: string): string {
  const [top, second] = file.split("/");
  if (file === "main.ts") return "main";
  if (file === "constructs/readable-address.ts") return "addresses";
  return top === "lambda" ? `lambda/${second.replace(/\.ts$/, "")}` : top;
}

/** Which layers each layer may import, besides itself. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  main: ["stacks", "config", "lambda/bundle"],
  stacks: ["constructs", "addresses", "config"],
  constructs: ["addresses", "config", "lambda/instance-drain", "lambda/runtime"],
  addresses: [],
  // The drain's timing rules, which the stages file's loader applies to its fields.
  config: ["lambda/instance-drain"],
  "lambda/instance-drain": [],
  "lambda/bundle": ["lambda/runtime"],
  "lambda/runtime": [],
  "change-set": [],
  ops: ["change-set", "config", "addresses"],
  cli: ["ops", "change-set", "config", "addresses"],
};

describe("the source tree", () => {
  it("is read whole: every source folder has files in the import graph", () => {
    for (const folder of SOURCE_FOLDERS)
      expect([
        folder,
        sources.some((file) => graph.has(file) && file.startsWith(`${folder}/`)),
      ]).toEqual([folder, true]);
  });

  it.each(sources)("%s imports only the layers its own may use", (file) => {
    const own = layer(file);
    const allowed = new Set([own, ...(MAY_IMPORT[own] ?? [])]);
    expect((graph.get(file) ?? []).filter((target) => !allowed.has(layer(target)))).toEqual([]);
  });

  it("lets constructs and the config reach the drain function only through its contract", () => {
    const reached = [...graph]
      .filter(([file]) => layer(file) === "constructs" || layer(file) === "config")
      .flatMap(([, targets]) =>
        targets.filter((target) => layer(target) === "lambda/instance-drain"),
      );
    expect([...new Set(reached)]).toEqual(["lambda/instance-drain/contract.ts"]);
  });

  it("keeps the fixed addresses free of cdktf at run time, so the CLI can name them cheaply", () => {
    const { metafile } = buildSync({
      entryPoints: ["constructs/readable-address.ts"],
      bundle: true,
      platform: "node",
      metafile: true,
      write: false,
      logLevel: "silent",
    });
    expect(Object.keys(metafile.inputs)).toEqual(["constructs/readable-address.ts"]);
  });

  it("has no import cycles", () => {
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "visiting");
      for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
      state.set(file, "done");
    };
    for (const file of [...graph.keys()].sort()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("has no folder of more than 15 source files (past that it is two concerns)", () => {
    const counts = new Map<string, number>();
    for (const file of sources) {
      const folder = posix.dirname(file);
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
    }
    expect([...counts].filter(([, count]) => count > 15)).toEqual([]);
  });
});
