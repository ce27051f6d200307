#!/usr/bin/env node
// Runs the cdktf app, main.ts: what `npm run synth` and cdktf.json's "app" start (so `cdktf synth`,
// `cdktf diff` and the change guard too). esbuild bundles main.ts with the packages it imports
// into one file, build/app.js (Node loads one file in about two thirds of the time it takes to
// resolve and load cdktf's and the provider's hundreds), without a type-check (`npm test`
// type-checks). The bundle is made again only when one of the files it was made from differs:
// build/app.inputs.json records each by its hash (the project's sources, the lockfile for the
// packages, this file for the options, the bundle itself), so a copy of build/ into another
// checkout (the change guard's base) is reused exactly when that checkout's files are the same.
const { createHash } = require("node:crypto");
const { mkdirSync, readFileSync } = require("node:fs");
const { join } = require("node:path");

const root = join(module.path, "..");
const bundle = "build/app.js";
const record = "build/app.inputs.json";
// Files outside esbuild's own list of inputs that decide the bundle's bytes.
const BUILD_INPUTS = ["package-lock.json", "bin/synth.cjs"];

const hashOf = (path) =>
  createHash("sha256")
    .update(readFileSync(join(root, path)))
    .digest("hex");

function isCurrent() {
  try {
    const inputs = JSON.parse(readFileSync(join(root, record), "utf8"));
    return Object.entries(inputs).every(([path, hash]) => hashOf(path) === hash);
  } catch {
    return false;
  }
}

function makeBundle() {
  // Its package was found before this runs (the check at the end of this file).
  const esbuild = require("esbuild");
  let result;
  try {
    result = esbuild.buildSync({
      absWorkingDir: root,
      entryPoints: ["main.ts"],
      bundle: true,
      platform: "node",
      target: "node20",
      // The ES module builds (jsonc-parser's UMD build requires its own files by computed names).
      mainFields: ["module", "main"],
      // esbuild's JS API (the Lambda bundles, lambda/bundle.ts) finds its binary from its package.
      external: ["esbuild"],
      outfile: bundle,
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  } catch (error) {
    if (!Array.isArray(error.errors) || error.errors.length === 0) throw error;
    // As esbuild's command line prints them: `[ERROR] what` and the file:line:column under it.
    process.stderr.write(esbuild.formatMessagesSync(error.errors, { kind: "error" }).join(""));
    process.exit(1);
  }
  const writeFileAtomic = require("write-file-atomic");
  mkdirSync(join(root, "build"), { recursive: true });
  // Concurrent synths in one checkout (tests, CI) never read half a file: each is written to a
  // temporary name and renamed; the record goes last.
  writeFileAtomic.sync(join(root, bundle), result.outputFiles[0].contents);
  const ownInputs = Object.keys(result.metafile.inputs).filter(
    (path) => !path.startsWith("node_modules/"),
  );
  const inputs = [...BUILD_INPUTS, ...ownInputs, bundle].sort();
  const hashes = Object.fromEntries(inputs.map((path) => [path, hashOf(path)]));
  writeFileAtomic.sync(join(root, record), JSON.stringify(hashes, null, 2) + "\n");
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

// The bundle loads esbuild's package when it runs (for the Lambda's bundle): without
// node_modules, one line rather than Node's stack.
try {
  require.resolve("esbuild");
} catch {
  fail(`cannot load esbuild from ${join(root, "node_modules")}; run npm ci first`);
}
if (!isCurrent()) makeBundle();
require(join(root, bundle));
