/**
 * The no-op prior state of a base configuration, kept between runs: building it takes five or
 * six plans, confirming a kept one takes one (`noOpState` starts from it and plans again, so a
 * state that no longer plans as no-op is simply built further). Keyed by everything it is made
 * from: the configuration, the provider version and this harness's own code that fills values.
 * `REAL_PROVIDER_STATE_CACHE` names the folder (default: one in the system's temporary folder);
 * set it to `off` to build every time.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SynthesizedDocument } from "../../../change-set/document";
import type { StateResource } from "./prior-state";

const HARNESS_FILES = ["prior-state.ts", "dependencies.ts", "convert.ts"].map((file) =>
  path.join(__dirname, file),
);

/** Where the state of this configuration is kept, or undefined when caching is off. */
export function stateCacheFile(
  config: SynthesizedDocument,
  providerVersion: string,
  dir = process.env.REAL_PROVIDER_STATE_CACHE ??
    path.join(os.tmpdir(), "apps-cluster-real-provider-states"),
): string | undefined {
  if (dir === "off") return undefined;
  const hash = createHash("sha256").update(JSON.stringify(config)).update(providerVersion);
  for (const file of HARNESS_FILES) hash.update(fs.readFileSync(file));
  return path.join(dir, `${hash.digest("hex")}.json`);
}

/** The kept state, or an empty one when there is none (or it cannot be read). */
export function readState(file: string | undefined): Map<string, StateResource> {
  if (file === undefined) return new Map();
  try {
    return new Map(JSON.parse(fs.readFileSync(file, "utf8")) as [string, StateResource][]);
  } catch {
    return new Map();
  }
}

/** Keeps the state; written to a temporary file and renamed, so a reader never sees half. */
export function keepState(
  file: string | undefined,
  state: ReadonlyMap<string, StateResource>,
): void {
  if (file === undefined) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify([...state]));
  fs.renameSync(partial, file);
}
