#!/usr/bin/env node
// Starts the operator CLI (`npm run cluster -- ...`, or `apps-cluster` as the package bin).
// esbuild bundles cli/main.ts without a type-check (`npm test` type-checks), split so that each
// command loads only its own code, and the AWS SDK tree-shaken to the operations the CLI calls.
// It rebuilds only when a source file or the lockfile changed since; otherwise node runs the
// bundle at once.
const {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { dirname, join, relative } = require("node:path");
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
    return inputs.every((input) => statSync(join(root, input)).mtimeMs < builtAt) ? entry : null;
  } catch {
    return null;
  }
}

// Each build goes to a directory of its own and the pointer is renamed into place last, so a CLI
// started meanwhile runs either the old bundle or the new one, never half of one.
function bundle() {
  const esbuild = require("esbuild");
  const outdir = join(build, `cli-${Date.now()}-${process.pid}`);
  const { metafile, outputFiles } = esbuild.buildSync({
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
    logLevel: "warning",
  });
  for (const file of outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.contents);
  }
  const inputs = Object.keys(metafile.inputs).filter((input) => !input.startsWith("node_modules/"));
  const entry = relative(root, join(outdir, "main.mjs"));
  // The launcher itself is an input: its build options shape the bundle.
  const pointer = JSON.stringify({
    entry,
    inputs: [...inputs, "package-lock.json", "bin/apps-cluster.cjs"],
  });
  require("write-file-atomic").sync(pointerFile, pointer);
  // Earlier builds are no longer pointed at; a CLI still running one has loaded what it needs.
  for (const old of readdirSync(build)) {
    if (old.startsWith("cli-") && join(build, old) !== outdir) {
      rmSync(join(build, old), { recursive: true, force: true });
    }
  }
  return entry;
}

import(pathToFileURL(join(root, currentBundle() ?? bundle())).href);
