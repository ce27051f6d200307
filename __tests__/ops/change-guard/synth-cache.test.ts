import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cacheFolder,
  cacheKey,
  readEntry,
  writeEntry,
  type SynthInputs,
} from "../../../ops/change-guard/synth-cache";

const INPUTS: SynthInputs = {
  tree: "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
  lockfile: Buffer.from('{"lockfileVersion": 3}'),
  nodeVersion: "v22.11.0",
  stagesFile: "stacks/stages.json",
  env: { PATH: "/usr/bin", HOME: "/home/ops" },
};

/** A synth output folder and a stages file, as the base's synth leaves them. */
function synthOutput(text: string): { outdir: string; stagesFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "synth-cache-test-"));
  mkdirSync(join(dir, "out", "stacks", "staging"), { recursive: true });
  writeFileSync(join(dir, "out", "stacks", "staging", "cdk.tf.json"), text);
  writeFileSync(join(dir, "stages.json"), `{"stages": "${text}"}`);
  return { outdir: join(dir, "out"), stagesFile: join(dir, "stages.json") };
}

const scratch = () => join(mkdtempSync(join(tmpdir(), "synth-cache-read-")), "copy");

describe("cacheKey", () => {
  it("is the same for the same inputs, whatever the order of the environment", () => {
    expect(cacheKey(INPUTS)).toBe(
      cacheKey({ ...INPUTS, env: { HOME: "/home/ops", PATH: "/usr/bin" } }),
    );
  });

  it.each<[string, Partial<SynthInputs>]>([
    ["another tree of the project directory", { tree: "5c1a1b6d6c0f1e2b4f7c1e1b4a6c0c9d2f3a4b5c" }],
    ["another lockfile", { lockfile: Buffer.from('{"lockfileVersion": 2}') }],
    ["no lockfile", { lockfile: undefined }],
    ["another Node version", { nodeVersion: "v24.1.0" }],
    ["another stages file", { stagesFile: "stacks/other-stages.json" }],
    ["a cdktf setting in the environment", { env: { ...INPUTS.env, CDKTF_CONTEXT_JSON: "{}" } }],
    ["HCL output", { env: { ...INPUTS.env, SYNTH_HCL_OUTPUT: "true" } }],
    ["Node options", { env: { ...INPUTS.env, NODE_OPTIONS: "--max-old-space-size=512" } }],
  ])("differs for %s", (_, change) => {
    expect(cacheKey({ ...INPUTS, ...change })).not.toBe(cacheKey(INPUTS));
  });

  it.each([["PATH"], ["HOME"], ["CDKTF_OUTDIR"], ["STAGES_FILE"]])(
    "ignores %s, which the synth does not read or the guard sets itself",
    (name) => {
      expect(cacheKey({ ...INPUTS, env: { ...INPUTS.env, [name]: "/elsewhere" } })).toBe(
        cacheKey(INPUTS),
      );
    },
  );
});

describe("cacheFolder", () => {
  it.each<[string, Record<string, string>, boolean, string | undefined]>([
    ["the named folder", { CHANGES_SYNTH_CACHE: "/var/cache/x" }, true, "/var/cache/x"],
    ["none when off", { CHANGES_SYNTH_CACHE: "off" }, true, undefined],
    ["none under --no-cache", { CHANGES_SYNTH_CACHE: "/var/cache/x" }, false, undefined],
    [
      "one under XDG_CACHE_HOME",
      { XDG_CACHE_HOME: "/home/ops/.cache" },
      true,
      "/home/ops/.cache/apps-cluster-changes",
    ],
    ["one in the temporary folder", {}, true, join(tmpdir(), "apps-cluster-changes-cache")],
  ])("is %s", (_, env, enabled, folder) => {
    expect(cacheFolder(env, enabled)).toBe(folder);
  });
});

describe("the cache's entries", () => {
  it("gives back what was kept under the same key", () => {
    const folder = mkdtempSync(join(tmpdir(), "synth-cache-"));
    const kept = synthOutput("base");
    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    const copy = readEntry(folder, "k1", scratch());
    expect(copy).toBeDefined();
    expect(readFileSync(join(copy!.outdir, "stacks", "staging", "cdk.tf.json"), "utf8")).toBe(
      "base",
    );
    expect(readFileSync(copy!.stagesFile, "utf8")).toBe('{"stages": "base"}');
  });

  it("has nothing under another key", () => {
    const folder = mkdtempSync(join(tmpdir(), "synth-cache-"));
    const kept = synthOutput("base");
    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    expect(readEntry(folder, "k2", scratch())).toBeUndefined();
  });

  it("ignores an entry without its completion marker (half-written) and replaces it", () => {
    const folder = mkdtempSync(join(tmpdir(), "synth-cache-"));
    const kept = synthOutput("base");
    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    rmSync(join(folder, "k1", "complete"));
    writeFileSync(join(folder, "k1", "out", "stacks", "staging", "cdk.tf.json"), "{trunc");
    const into = scratch();
    expect(readEntry(folder, "k1", into)).toBeUndefined();
    expect(existsSync(into)).toBe(false);

    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    const copy = readEntry(folder, "k1", scratch());
    expect(readFileSync(join(copy!.outdir, "stacks", "staging", "cdk.tf.json"), "utf8")).toBe(
      "base",
    );
  });

  it("ignores an entry whose marker names another key (a folder renamed by hand)", () => {
    const folder = mkdtempSync(join(tmpdir(), "synth-cache-"));
    const kept = synthOutput("base");
    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    writeFileSync(join(folder, "k1", "complete"), "k0");
    expect(readEntry(folder, "k1", scratch())).toBeUndefined();
  });

  it("leaves no partial folder behind", () => {
    const folder = mkdtempSync(join(tmpdir(), "synth-cache-"));
    const kept = synthOutput("base");
    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    writeEntry(folder, "k1", kept.outdir, kept.stagesFile);
    expect(readdirSync(folder)).toEqual(["k1"]);
  });

  it("keeps only the most recently used entries", () => {
    const folder = mkdtempSync(join(tmpdir(), "synth-cache-"));
    const kept = synthOutput("base");
    const at = (key: string, seconds: number) =>
      utimesSync(join(folder, key, "complete"), seconds, seconds);
    writeEntry(folder, "old", kept.outdir, kept.stagesFile, 2);
    at("old", 1_000);
    writeEntry(folder, "used", kept.outdir, kept.stagesFile, 2);
    at("used", 2_000);
    // Reading an entry makes it the most recently used.
    readEntry(folder, "old", scratch());
    writeEntry(folder, "new", kept.outdir, kept.stagesFile, 2);
    expect(readdirSync(folder).sort()).toEqual(["new", "old"]);
  });
});
