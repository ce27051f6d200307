#!/usr/bin/env node
// Starts the operator CLI (`npm run cluster -- ...`, or `apps-cluster` as the package bin).
// esbuild bundles cli/main.ts into build/cli.js without a type-check (`npm test` type-checks), and
// only when a file it was bundled from changed since; otherwise node runs the bundle at once.
const { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(module.path, "..");
const bundle = join(root, "build", "cli.js");
const inputsFile = join(root, "build", "cli.inputs.json");

function bundleIsCurrent() {
  try {
    const builtAt = statSync(bundle).mtimeMs;
    const inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
    return inputs.every((input) => statSync(join(root, input)).mtimeMs < builtAt);
  } catch {
    return false;
  }
}

// Renamed into place, so a CLI started at the same moment never runs a half-written bundle.
function replace(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

if (!bundleIsCurrent()) {
  const { metafile, outputFiles } = require("esbuild").buildSync({
    absWorkingDir: root,
    entryPoints: ["cli/main.ts"],
    bundle: true,
    platform: "node",
    target: "node20",
    packages: "external",
    outfile: bundle,
    write: false,
    metafile: true,
    logLevel: "warning",
  });
  mkdirSync(join(root, "build"), { recursive: true });
  replace(bundle, outputFiles[0].contents);
  replace(inputsFile, JSON.stringify(Object.keys(metafile.inputs)));
}
require(bundle);
