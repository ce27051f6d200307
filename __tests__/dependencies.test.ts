import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { buildSync } from "esbuild";

/**
 * package.json says what runs where: `dependencies` are what synth (the app, the drain function
 * it bundles), the operator CLI and the npm scripts operators run (diff, deploy, ...) load or
 * start; everything else, tests and type-only imports included, is a devDependency. Read from
 * esbuild's import graph of the entry points and from the scripts themselves.
 */

const manifest = JSON.parse(readFileSync("package.json", "utf8")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

const RUN_TIME_ENTRY_POINTS = [
  "main.ts", // npm run synth
  "lambda/instance-drain/index.ts", // bundled by synth: its packages must be there at synth
  "cli/main.ts", // npm run cluster
  "bin/apps-cluster.cjs", // starts the CLI, bundling it on first use
  "scripts/stage-command.ts", // npm run diff and deploy check the stage and credentials first
];

/** The npm scripts operators run, and the packages whose programs those scripts start. */
const RUN_TIME_SCRIPTS = ["synth", "cdktf", "diff", "deploy", "cluster"];
const PROGRAM_PACKAGES: Readonly<Record<string, string>> = {
  esbuild: "esbuild",
  cdktf: "cdktf-cli",
  tsx: "tsx",
};

function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const runTimePackages: ReadonlySet<string> = (() => {
  const { metafile } = buildSync({
    entryPoints: RUN_TIME_ENTRY_POINTS,
    bundle: true,
    platform: "node",
    packages: "external",
    metafile: true,
    write: false,
    outdir: "unused",
    logLevel: "silent",
  });
  const builtins = new Set(builtinModules);
  const specifiers = Object.values(metafile.inputs).flatMap(({ imports }) =>
    imports.filter((edge) => edge.external).map((edge) => edge.path),
  );
  const programs = RUN_TIME_SCRIPTS.flatMap((name) =>
    Object.keys(PROGRAM_PACKAGES)
      .filter((program) => new RegExp(`(^|[\\s/])${program}(\\s|$)`).test(manifest.scripts[name]))
      .map((program) => PROGRAM_PACKAGES[program]),
  );
  return new Set([
    ...programs,
    ...specifiers
      // Paths esbuild could not resolve statically (a computed import()) are not packages.
      .filter((path) => !/^[./]/.test(path) && !path.startsWith("node:") && !builtins.has(path))
      .map(packageOf),
  ]);
})();

describe("package.json", () => {
  it("lists every package synth or the CLI loads at run time under dependencies", () => {
    const missing = [...runTimePackages].filter((name) => !(name in manifest.dependencies));
    expect(missing).toEqual([]);
  });

  it("lists under dependencies only what synth or the CLI loads at run time", () => {
    const unused = Object.keys(manifest.dependencies).filter((name) => !runTimePackages.has(name));
    expect(unused).toEqual([]);
  });

  it("pins every AWS SDK client to one release, so they share one @smithy/core", () => {
    const clients = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })
      .filter(([name]) => name.startsWith("@aws-sdk/client-"))
      .map(([, version]) => version);
    expect(new Set(clients).size).toBe(1);
  });
});
