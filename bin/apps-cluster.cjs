#!/usr/bin/env node
// Starts the operator CLI (`npm run cluster -- ...`, or `apps-cluster` as the package bin).
// esbuild bundles cli/main.ts without a type-check (`npm test` type-checks), split so that each
// command loads only its own code, and the AWS SDK tree-shaken to the operations the CLI calls.
// It rebuilds only when a source file or the lockfile changed since; otherwise node runs the
// bundle at once.
const {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { tmpdir } = require("node:os");
const { dirname, join, relative, resolve } = require("node:path");
const { pathToFileURL } = require("node:url");

const root = join(module.path, "..");
const build = join(root, "build");
// Which bundle is current, and what it was built from (files outside node_modules, the lockfile
// and this launcher).
const pointerFile = join(build, "cli.json");

function currentBundle() {
  try {
    const { entry, inputs } = JSON.parse(readFileSync(pointerFile, "utf8"));
    const builtAt = statSync(pointerFile).mtimeMs;
    // A pointer to a bundle that is gone (a concurrent start removed it) is no bundle: rebuild.
    statSync(join(root, entry));
    return inputs.every((input) => statSync(join(root, input)).mtimeMs < builtAt) ? entry : null;
  } catch {
    return null;
  }
}

// Each build goes to a directory of its own and the pointer is renamed into place last, so a CLI
// started meanwhile runs either the old bundle or the new one, never half of one. Where it can be
// written is settled before esbuild runs: a checkout nothing can be written to fails at once.
function bundle() {
  const esbuild = loadEsbuild();
  const outdir = join(build, `cli-${Date.now()}-${process.pid}`);
  const temporary = writableFolder(outdir) ? undefined : temporaryFolder();
  // Until the pointer names it, the folder goes when the CLI stops (esbuild's error, say).
  const removeOutdir = () => rmSync(outdir, { recursive: true, force: true });
  if (temporary === undefined) process.on("exit", removeOutdir);
  const { metafile, outputFiles } = buildOrFail(esbuild, {
    absWorkingDir: root,
    entryPoints: { main: "cli/main.ts" },
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // The SDK's ES modules, which esbuild can tree-shake (its CommonJS build is one file per client).
    mainFields: ["module", "main"],
    // Bundled CommonJS packages call require() for Node's modules (commander) and read
    // __filename (write-file-atomic), which ES modules do not have: give them both.
    banner: {
      js: [
        "import { createRequire } from 'node:module';",
        "import { fileURLToPath } from 'node:url';",
        "const require = createRequire(import.meta.url);",
        "const __filename = fileURLToPath(import.meta.url);",
      ].join(" "),
    },
    outExtension: { ".js": ".mjs" },
    outdir,
    write: false,
    metafile: true,
  });
  // A read-only checkout (or a build/ that is not a writable folder) still runs the CLI.
  if (temporary !== undefined) return temporaryBundle(outputFiles, outdir, temporary);
  try {
    writeFiles(outputFiles, outdir, outdir);
  } catch {
    // Full, say: nothing half-written stays behind, and the temporary folder is tried instead.
    removeOutdir();
    return temporaryBundle(outputFiles, outdir, temporaryFolder());
  }
  const inputs = Object.keys(metafile.inputs).filter((input) => !input.startsWith("node_modules/"));
  const entry = relative(root, join(outdir, "main.mjs"));
  // The launcher itself is an input: its build options shape the bundle.
  const pointer = JSON.stringify({
    entry,
    inputs: [...inputs, "package-lock.json", "bin/apps-cluster.cjs"],
  });
  require("write-file-atomic").sync(pointerFile, pointer);
  process.off("exit", removeOutdir);
  // Earlier builds are no longer pointed at; a CLI still running one has loaded what it needs.
  // A build of the last minute is kept: another start may be bundling or loading it right now.
  const recent = Date.now() - 60_000;
  for (const old of readdirSync(build)) {
    const path = join(build, old);
    const builtAt = statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? recent;
    if (old.startsWith("cli-") && path !== outdir && builtAt < recent) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  return entry;
}

// Makes `dir` (and build/ above it); false where the checkout cannot be written.
function writableFolder(dir) {
  try {
    mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

// A folder of this start's own in the system's temporary folder, removed when the CLI exits, or
// one line saying neither place can be written.
function temporaryFolder() {
  try {
    const dir = mkdtempSync(join(tmpdir(), "apps-cluster-cli-"));
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  } catch (error) {
    return cannotWrite(tmpdir(), error);
  }
}

// The bundle of this start only, in `dir` (a temporaryFolder()).
function temporaryBundle(outputFiles, outdir, dir) {
  try {
    writeFiles(outputFiles, outdir, dir);
  } catch (error) {
    cannotWrite(dirname(dir), error);
  }
  return join(dir, "main.mjs");
}

// Neither build/ nor the temporary folder took the bundle: one line, exit 2.
function cannotWrite(temporaryPlace, error) {
  return fail(
    `cannot write the CLI's bundle to ${build} nor to ${temporaryPlace} (${error.code}); make one of them writable (or set TMPDIR)`,
  );
}

function writeFiles(outputFiles, from, to) {
  for (const file of outputFiles) {
    const path = join(to, relative(from, file.path));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents);
  }
}

// Without `npm ci` there is no esbuild: say so, rather than the stack of a failed require().
function loadEsbuild() {
  try {
    return require("esbuild");
  } catch (error) {
    if (error.code !== "MODULE_NOT_FOUND") throw error;
    return fail(`cannot load esbuild from ${join(root, "node_modules")}; run npm ci first`);
  }
}

// A package esbuild cannot find means an incomplete node_modules: one line, not esbuild's report.
function buildOrFail(esbuild, options) {
  let result;
  try {
    result = esbuild.buildSync({ ...options, logLevel: "silent" });
  } catch (error) {
    const errors = error.errors ?? [];
    const missing = errors.find(({ text }) => text.startsWith("Could not resolve"));
    if (missing !== undefined) {
      const from = missing.location ? ` (from ${missing.location.file})` : "";
      fail(`cannot bundle the CLI: ${missing.text}${from}; run npm ci first`);
    }
    if (errors.length === 0) throw error;
    process.stderr.write(esbuild.formatMessagesSync(errors, { kind: "error" }).join(""));
    process.exit(2);
  }
  const warnings = esbuild.formatMessagesSync(result.warnings, { kind: "warning" });
  process.stderr.write(warnings.join(""));
  return result;
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

import(pathToFileURL(resolve(root, currentBundle() ?? bundle())).href);
