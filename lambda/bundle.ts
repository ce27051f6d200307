import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { zipSync } from "fflate";
import { sync as writeFileAtomicSync } from "write-file-atomic";
import { BUNDLE_TARGET } from "./runtime";

/** Every zip entry gets this timestamp, so the same code always gives the same zip bytes. */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

/** Files outside the bundle's own inputs that decide its bytes. */
const BUILD_INPUTS = ["package-lock.json", "lambda/bundle.ts", "lambda/runtime.ts"];

export interface PackageOptions {
  /** Where the zip and its input record go. @default "build" */
  readonly outDir?: string;
  /** Folder holding one folder per function. @default "lambda" */
  readonly sourceRoot?: string;
}

/**
 * Bundles `lambda/<name>/index.ts` and everything it imports (the AWS SDK included, so the code
 * that runs is the code that was tested) into one `index.js`, zips it deterministically to
 * `<outDir>/<name>.zip` and returns that path.
 *
 * Bundling takes ~0.3 s, most of a synth, so it is skipped when none of the files the last
 * bundle was built from (as esbuild reported them, plus the lockfile) has changed.
 */
export function packageLambda(
  name: string,
  { outDir = "build", sourceRoot = "lambda" }: PackageOptions = {},
): string {
  const zipPath = join(outDir, `${name}.zip`);
  const recordPath = join(outDir, `${name}.inputs.json`);
  if (isUpToDate(recordPath)) return zipPath;

  const result = buildSync({
    entryPoints: [join(sourceRoot, name, "index.ts")],
    bundle: true,
    platform: "node",
    target: BUNDLE_TARGET,
    format: "cjs",
    minify: true,
    legalComments: "none",
    metafile: true,
    write: false,
    logLevel: "silent",
  });
  const zip = zipSync({ "index.js": [result.outputFiles[0].contents, { mtime: FIXED_MTIME }] });
  const ownInputs = Object.keys(result.metafile.inputs).filter((p) => !p.includes("node_modules"));
  mkdirSync(outDir, { recursive: true });
  // Concurrent synths (tests, CI) must never read a half-written zip: write, then rename.
  writeFileAtomicSync(zipPath, Buffer.from(zip));
  // The zip is recorded too, so a deleted or edited zip is rebuilt.
  const record = Object.fromEntries(
    [...BUILD_INPUTS, ...ownInputs, zipPath].sort().map((path) => [path, hashOf(path)]),
  );
  writeFileAtomicSync(recordPath, JSON.stringify(record, null, 2) + "\n");
  return zipPath;
}

function isUpToDate(recordPath: string): boolean {
  let record: Record<string, string>;
  try {
    record = JSON.parse(readFileSync(recordPath, "utf8"));
  } catch {
    return false;
  }
  return Object.entries(record).every(([path, hash]) => hashOf(path) === hash);
}

function hashOf(path: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined;
  }
}
