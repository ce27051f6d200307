import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resetAmiMocks } from "./ami-mocks";
import { resetPreflightMocks } from "./preflight-mocks";
import { loadStages } from "../../config/stages";
import { stageWarnings } from "../../stacks/synth-report";
import type { Scene } from "./cluster-scene";
import { mockScene } from "./scene-mocks";
import { LOPSIDED, ROLLOUT } from "./scenes";
import { virtualClock } from "../../simulation/virtual-clock";
import { cli, STAGES_FIXTURE, START } from "./support";

/**
 * The rollout runbook (docs/operations.md) shows each command with its output: this runs the
 * runbook's commands in order, on one copy of the stages file, and checks each output is what
 * it shows. The README's set-up shows synth's output, and the runbook's set-up npm's.
 */

const readme = readFileSync("README.md", "utf8");
const operations = readFileSync("docs/operations.md", "utf8");
const start = operations.indexOf("## Rolling the cluster onto a new AMI");
const runbook = operations.slice(start, operations.indexOf("\n## ", start + 1));
// A console block, indented as its list item: "$ npm run cluster -- <args>", then the output.
const examples = [
  ...runbook.matchAll(/^( *)```console\n\1\$ npm run cluster -- (.*)\n([\s\S]*?)^\1```/gm),
].map(([, indent, args, output]) => ({
  args,
  output: output.replace(new RegExp(`^${indent}`, "gm"), ""),
}));

let step = 0;
let scenes: Scene[] = ROLLOUT;
const aws = mockScene(() => scenes[Math.min(step, scenes.length - 1)]);
// Run where a copy of the fixture is at stacks/stages.json, so messages name it as people see it.
const home = process.cwd();
const work = mkdtempSync(join(tmpdir(), "cli-readme-"));
beforeAll(() => {
  mkdirSync(join(work, "stacks"));
  copyFileSync(STAGES_FIXTURE, join(work, "stacks", "stages.json"));
  process.chdir(work);
});
afterAll(() => process.chdir(home));

beforeEach(() => {
  resetAmiMocks();
  resetPreflightMocks();
  aws.reset();
  step = 0;
});

describe("the rollout runbook", () => {
  it("shows the output of every command it uses", () => {
    expect(examples.map((e) => e.args.split(" ").slice(0, 2).join(" "))).toEqual([
      "check staging",
      "ami latest",
      "ami show",
      "ami set",
      "rollout watch",
      "ami promote",
      "balance check",
    ]);
  });

  it.each(examples)("$ npm run cluster -- $args", async ({ args, output }) => {
    scenes = args.includes("production") ? [LOPSIDED] : ROLLOUT;
    const clock = virtualClock(START, { onSleep: (sleeps) => (step = sleeps) });
    const result = await cli(args, { stagesFile: "stacks/stages.json", clock });
    expect(result.stdout + result.stderr).toBe(output);
  });
});

describe("the set-up", () => {
  /** The lines of the plain code block after `intro` in `doc`. */
  const blockAfter = (doc: string, intro: string) => {
    const at = doc.indexOf(intro);
    const [, block] = /```\n([\s\S]*?)```/.exec(doc.slice(at)) ?? [];
    if (at < 0 || block === undefined) throw new Error(`no block after "${intro}"`);
    return block.trimEnd().split("\n");
  };

  it("shows synth's warning for each stage of stacks/stages.json as it ships (README)", () => {
    const shown = blockAfter(readme, "`npm run synth` prints one line per stage").filter((line) =>
      line.startsWith("warning:"),
    );
    const file = join(home, "stacks", "stages.json");
    const warnings = stageWarnings(loadStages(file), "stacks/stages.json");
    expect(shown).toEqual(warnings);
  });

  it("lists the packages of the lockfile whose install scripts npm 11 does not run (docs/operations.md)", () => {
    const lock = JSON.parse(readFileSync(join(home, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([path, entry]) => `${path.replace(/^.*node_modules\//, "")}@${entry.version}`)
      .sort();
    const shown = blockAfter(operations, "## Installing")
      .map((line) => /^npm warn install-scripts {3}(\S+) \(/.exec(line)?.[1])
      .filter((name) => name !== undefined);
    expect(shown).toEqual(withScripts);
  });
});
