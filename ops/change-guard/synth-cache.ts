import { createHash, randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Env } from "./git-worktree";

/**
 * The base side's synth output, kept between runs of the change guard: operators and CI compare
 * with the same base again and again, and its synth is the same every time. An entry is keyed by
 * everything its output is made from, so a stale entry cannot be found, let alone change a verdict.
 * `CHANGES_SYNTH_CACHE` names the folder (default: `$XDG_CACHE_HOME/apps-cluster-changes`, else
 * one in the system's temporary folder); `off` (or `changes --no-cache`) synthesizes every time.
 */

/** Bumped whenever what an entry holds, or how its key is made, changes. */
export const CACHE_FORMAT = 1;

export const CACHE_ENV = "CHANGES_SYNTH_CACHE";

/** Entries kept; the least recently used go first. A stages.json synth is some 100 KB. */
export const MAX_ENTRIES = 20;

/** Written last into an entry: an entry without it is never read. */
const MARKER = "complete";

/**
 * The environment the synth reads besides what the guard sets itself (`STAGES_FILE`,
 * `CDKTF_OUTDIR`): main.ts reads only `STAGES_FILE`; cdktf reads `CDKTF_*`, `SYNTH_HCL_OUTPUT`
 * and `TERRAFORM_BINARY_NAME`; Node reads `NODE_OPTIONS` and `NODE_PATH`.
 */
const SYNTH_ENV = /^(CDKTF_|SYNTH_|TERRAFORM_BINARY_NAME$|NODE_OPTIONS$|NODE_PATH$)/;
const SET_BY_GUARD = new Set(["CDKTF_OUTDIR", "STAGES_FILE"]);

/** Everything the base's synth output is made from. */
export interface SynthInputs {
  /** The tree id of the project directory at the base commit (`git rev-parse <commit>:<prefix>`). */
  readonly tree: string;
  /** The package-lock.json (the installed node_modules; equal on both sides), or undefined. */
  readonly lockfile: Buffer | undefined;
  /** What `node --version` says in the synth's environment. */
  readonly nodeVersion: string;
  /** The stages file, relative to the project directory. */
  readonly stagesFile: string;
  /** The environment the synth runs in; only the variables it reads count. */
  readonly env: Env;
}

/** The entry's name: a hash of every input and the cache format. */
export function cacheKey(inputs: SynthInputs): string {
  const env = Object.keys(inputs.env)
    .filter((name) => SYNTH_ENV.test(name) && !SET_BY_GUARD.has(name))
    .sort()
    .map((name) => [name, inputs.env[name] ?? null]);
  const lockfile =
    inputs.lockfile === undefined
      ? null
      : createHash("sha256").update(inputs.lockfile).digest("hex");
  return createHash("sha256")
    .update(
      JSON.stringify({
        format: CACHE_FORMAT,
        tree: inputs.tree,
        lockfile,
        node: inputs.nodeVersion,
        stagesFile: inputs.stagesFile,
        env,
      }),
    )
    .digest("hex");
}

/** The cache's folder, or undefined when it is turned off. */
export function cacheFolder(env: Env, enabled = true): string | undefined {
  const named = env[CACHE_ENV];
  if (!enabled || named === "off") return undefined;
  if (named !== undefined && named !== "") return named;
  const xdg = env.XDG_CACHE_HOME;
  return xdg !== undefined && xdg !== ""
    ? join(xdg, "apps-cluster-changes")
    : join(tmpdir(), "apps-cluster-changes-cache");
}

/** What an entry holds: the synth's output folder and the base's stages file. */
export interface CachedSynth {
  readonly outdir: string;
  readonly stagesFile: string;
}

/**
 * Copies the complete entry `key` to `into` (`out/`, `stages.json`) and returns where they are,
 * or undefined when there is no complete entry (or it went away while being copied).
 */
export function readEntry(folder: string, key: string, into: string): CachedSynth | undefined {
  const entry = join(folder, key);
  const marker = join(entry, MARKER);
  try {
    if (readFileSync(marker, "utf8") !== key) return undefined;
    const copy = { outdir: join(into, "out"), stagesFile: join(into, "stages.json") };
    cpSync(join(entry, "out"), copy.outdir, { recursive: true });
    if (existsSync(join(entry, "stages.json"))) cpSync(join(entry, "stages.json"), copy.stagesFile);
    try {
      // Used now: the most recently used entries are the ones kept.
      const now = new Date();
      utimesSync(marker, now, now);
    } catch {
      // A cache folder this user may read but not write: still worth reading.
    }
    return copy;
  } catch {
    rmSync(into, { recursive: true, force: true });
    return undefined;
  }
}

/**
 * Keeps `outdir` and `stagesFile` (when it exists) as entry `key`: copied into a folder of its
 * own, the marker written last, then renamed into place, so a reader sees the whole or nothing.
 * Then drops all but the MAX_ENTRIES most recently used entries. A cache that cannot be written
 * only costs the next run a synth, so failures are ignored.
 */
export function writeEntry(
  folder: string,
  key: string,
  outdir: string,
  stagesFile: string,
  maxEntries = MAX_ENTRIES,
): void {
  const partial = join(folder, `.partial-${key}-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    mkdirSync(partial, { recursive: true });
    cpSync(outdir, join(partial, "out"), { recursive: true });
    if (existsSync(stagesFile)) cpSync(stagesFile, join(partial, "stages.json"));
    writeFileSync(join(partial, MARKER), key);
    const entry = join(folder, key);
    // An entry left without its marker (incomplete) is replaced; a complete one is kept.
    if (existsSync(entry) && !existsSync(join(entry, MARKER)))
      rmSync(entry, { recursive: true, force: true });
    renameSync(partial, entry);
  } catch {
    // Another run kept the same entry first, or the folder is not writable.
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  prune(folder, maxEntries);
}

/** Drops all but the `keep` most recently used complete entries, and stale partial ones. */
function prune(folder: string, keep: number): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  const hourAgo = Date.now() - 3_600_000;
  const used: { name: string; at: number }[] = [];
  for (const name of names) {
    const path = join(folder, name);
    try {
      if (name.startsWith(".partial-")) {
        if (statSync(path).mtimeMs < hourAgo) rmSync(path, { recursive: true, force: true });
        continue;
      }
      used.push({ name, at: statSync(join(path, MARKER)).mtimeMs });
    } catch {
      // No marker: being replaced, or left half-written; never read, replaced when written.
    }
  }
  used.sort((a, b) => b.at - a.at);
  for (const { name } of used.slice(keep))
    rmSync(join(folder, name), { recursive: true, force: true });
}
