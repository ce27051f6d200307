import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { synthesize as Synthesize } from "../../ops/change-guard/synthesize";

/**
 * `synthesize` (ops/change-guard/synthesize.ts) for suites whose subject is what a command does
 * with the synthesized stacks, not the synth (adopt, hand-over): the first call for an input
 * runs the app as usual, and a later call for the same input gets a copy of that output. The
 * input is the project folder, the stages file's text and the imports files beside it (what the
 * app reads); a failed synth is not kept. Use it as the module's mock:
 *
 *   jest.mock("../../ops/change-guard/synthesize", () =>
 *     jest.requireActual("../support/memoized-synthesize").memoizedSynthesizeModule());
 */
export function memoizedSynthesizeModule() {
  const actual = jest.requireActual<typeof import("../../ops/change-guard/synthesize")>(
    "../../ops/change-guard/synthesize",
  );
  const kept = new Map<string, string>();
  const synthesize: typeof Synthesize = async (projectDir, stagesFile, outdir, env, signal) => {
    const key = inputOf(projectDir, stagesFile);
    let done = kept.get(key);
    if (done === undefined) {
      done = mkdtempSync(join(tmpdir(), "memoized-synth-"));
      await actual.synthesize(projectDir, stagesFile, done, env, signal);
      kept.set(key, done);
    }
    cpSync(done, outdir, { recursive: true });
  };
  return { ...actual, synthesize };
}

function inputOf(projectDir: string, stagesFile: string): string {
  const path = resolve(projectDir, stagesFile);
  const imports = join(dirname(path), "imports");
  const importFiles = existsSync(imports)
    ? readdirSync(imports)
        .sort()
        .map((name) => [name, readFileSync(join(imports, name), "utf8")])
    : [];
  return JSON.stringify([resolve(projectDir), readFileSync(path, "utf8"), importFiles]);
}
