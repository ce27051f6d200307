import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { PLACEHOLDER_PREFIX } from "../config/placeholders";
import { baseStages } from "../simulation/fixtures";
import { STAGES_FIXTURE } from "../simulation/amis";
import { createTestRepo, type TestRepo } from "./support/git-repo";

// Each case starts the app in fresh Node processes, which takes seconds on a busy machine.
jest.setTimeout(30_000);

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "main-"));
const appCommand: string = JSON.parse(readFileSync("cdktf.json", "utf8")).app;

/** Runs the cdktf app command (cdktf.json) as cdktf does, on a stages file, into a fresh dir. */
async function synth(stages: unknown, name: string, extraEnv: NodeJS.ProcessEnv = {}) {
  const stagesFile = join(work, `${name}.json`);
  const outdir = join(work, name);
  writeFileSync(stagesFile, typeof stages === "string" ? stages : JSON.stringify(stages));
  const env = { ...process.env, STAGES_FILE: stagesFile, CDKTF_OUTDIR: outdir, ...extraEnv };
  try {
    const { stdout, stderr } = await run("sh", ["-c", appCommand], { env });
    return { code: 0, stdout, stderr, outdir, stagesFile };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr, outdir, stagesFile };
  }
}

const stackFile = (outdir: string, stage: string) => join(outdir, "stacks", stage, "cdk.tf.json");

describe("main.ts (the cdktf app)", () => {
  it("is what npm run synth runs", () => {
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts;
    expect(scripts.synth).toBe(appCommand);
  });

  // The stages file as committed, synthesized once with a broken terraform first on PATH: the
  // run the next four tests read (each synth is a Node process of ~0.5 CPU-seconds).
  let plain: Awaited<ReturnType<typeof synth>>;
  beforeAll(async () => {
    const bin = join(work, "broken-terraform");
    mkdirSync(bin);
    writeFileSync(join(bin, "terraform"), "#!/bin/sh\necho broken >&2\nexit 1\n", { mode: 0o755 });
    plain = await synth(baseStages(), "plain", { PATH: `${bin}${delimiter}${process.env.PATH}` });
  });

  it("writes both stages, byte-identical on every run", async () => {
    // After the first: concurrent runs in one checkout share build/app.js.
    const second = await synth(baseStages(), "second");
    expect([plain.code, second.code]).toEqual([0, 0]);
    for (const stage of ["staging", "production"]) {
      const a = readFileSync(stackFile(plain.outdir, stage));
      expect(readFileSync(stackFile(second.outdir, stage)).equals(a)).toBe(true);
      const { filename } = JSON.parse(a.toString()).resource.aws_lambda_function.instance_drain;
      const zip = (outdir: string) => readFileSync(join(outdir, "stacks", stage, filename));
      expect(zip(second.outdir).equals(zip(plain.outdir))).toBe(true);
    }
  });

  it("writes a stage without launch byte for byte as one with launch: configuration", async () => {
    const stages = baseStages();
    const explicit = {
      staging: { ...stages.staging, launch: "configuration" },
      production: { ...stages.production, launch: "configuration" },
    };
    const set = await synth(explicit, "launch-set");
    expect([plain.code, set.code]).toEqual([0, 0]);
    for (const stage of ["staging", "production"]) {
      const a = readFileSync(stackFile(plain.outdir, stage));
      expect(readFileSync(stackFile(set.outdir, stage)).equals(a)).toBe(true);
    }
  });

  it("writes a launch template stage byte-identical on every run", async () => {
    const stages = baseStages();
    const template = { ...stages, staging: { ...stages.staging, launch: "template" } };
    const first = await synth(template, "template-first");
    const second = await synth(template, "template-second");
    expect([first.code, second.code]).toEqual([0, 0]);
    const a = readFileSync(stackFile(first.outdir, "staging"));
    expect(JSON.parse(a.toString()).resource).toHaveProperty("aws_launch_template");
    expect(readFileSync(stackFile(second.outdir, "staging")).equals(a)).toBe(true);
  });

  it("needs no terraform binary (a broken one on PATH changes nothing)", () => {
    expect(plain.code).toBe(0);
    // Only the warning every run of these stages prints: nothing from the broken binary.
    expect(plain.stderr).toBe(
      `warning: ${plain.stagesFile}: staging: its alarms notify no one (set alarm.actionsTopicArn)\n`,
    );
    expect(existsSync(stackFile(plain.outdir, "production"))).toBe(true);
  });

  it("prints one line per stage: stack, resource and data source counts, output file", () => {
    const lines = ["staging", "production"].map((stage) => {
      const file = stackFile(plain.outdir, stage);
      const doc = JSON.parse(readFileSync(file, "utf8"));
      const count = (section: object) =>
        Object.values(section).reduce((sum, byName) => sum + Object.keys(byName).length, 0);
      return `${stage}: ${count(doc.resource)} resources, ${count(doc.data)} data sources in ${relative(process.cwd(), file)}`;
    });
    expect(plain.stdout).toBe(`${lines.join("\n")}\n`);
  });

  it("warns once per stage that has placeholders or alarms that notify no one", async () => {
    const stages = baseStages();
    stages.production.stateBucket = `${PLACEHOLDER_PREFIX}${stages.production.stateBucket}`;
    const result = await synth(stages, "warnings");
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      [
        `warning: ${result.stagesFile}: staging: its alarms notify no one (set alarm.actionsTopicArn)`,
        `warning: ${result.stagesFile}: production: placeholders in stateBucket (replace them before deploying)`,
        "",
      ].join("\n"),
    );
    expect(existsSync(stackFile(result.outdir, "production"))).toBe(true);
  });

  const withProduction = (change: object) => {
    const stages = baseStages();
    Object.assign(stages.production, change);
    return stages;
  };

  test.each<[string, string, unknown, RegExp]>([
    [
      "a bad AMI id",
      "bad-ami",
      withProduction({ amiId: "ami-nothex" }),
      /^error: \S+bad-ami\.json: production\.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits \(an AMI id\), got "ami-nothex"\n$/,
    ],
    [
      "drain settings that do not fit together",
      "drain-timing",
      withProduction({ drain: { heartbeatTimeoutSeconds: 300 } }),
      /^error: \S+drain-timing\.json: production\.drain\.heartbeatTimeoutSeconds: must be at least lambdaTimeoutSeconds \+ 300 \(1200\) .*, got 300\n$/,
    ],
    [
      "a file that is not JSON",
      "not-json",
      "{",
      /^error: \S+not-json\.json:1:2: not valid JSON: expected "}" to close the object\n$/,
    ],
  ])(
    "stops on %s with one line, exit 1 and nothing written",
    async (_case, name, stages, message) => {
      const result = await synth(stages, name);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(existsSync(stackFile(result.outdir, "staging"))).toBe(false);
      expect(existsSync(stackFile(result.outdir, "production"))).toBe(false);
    },
  );
});

describe("bin/synth.cjs (the app command)", () => {
  // A copy of the project, whose build/ starts as the project's (support/git-repo.ts).
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
  });
  const inRepo = (path: string) => join(repo.dir, path);
  const synthInRepo = () =>
    run(process.execPath, ["bin/synth.cjs"], {
      cwd: repo.dir,
      env: { ...process.env, CDKTF_OUTDIR: inRepo("out"), STAGES_FILE: resolve(STAGES_FIXTURE) },
    });
  const bundleBytes = () => readFileSync(inRepo("build/app.js"));
  const record = () => readFileSync(inRepo("build/app.inputs.json"), "utf8");

  it("runs the kept bundle while the files it was made from are the same, and bundles again when one differs", async () => {
    await synthInRepo();
    const [kept, keptRecord] = [statSync(inRepo("build/app.js")).mtimeMs, record()];
    await synthInRepo();
    expect(statSync(inRepo("build/app.js")).mtimeMs).toBe(kept);

    // A source file: its hash in the record changes with it.
    repo.edit("constructs/ecs-cluster.ts", /^/, "// edited\n");
    await synthInRepo();
    expect(record()).not.toBe(keptRecord);
    expect(JSON.parse(record())["constructs/ecs-cluster.ts"]).toBeDefined();

    // The bundle itself, damaged: made again, and the synth works.
    const made = bundleBytes();
    writeFileSync(inRepo("build/app.js"), "throw new Error('damaged');\n");
    const { stdout } = await synthInRepo();
    expect(stdout).toContain("staging: 20 resources");
    expect(bundleBytes().equals(made)).toBe(true);
  });

  it("says run npm ci first in one line, exit 1, when node_modules is missing (a kept bundle too)", async () => {
    await synthInRepo(); // the bundle is current: only node_modules is missing below
    const modules = inRepo("node_modules");
    const target = readlinkSync(modules);
    rmSync(modules);
    try {
      const result = await synthInRepo().then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
      expect({ code: result.code, stderr: result.stderr }).toEqual({
        code: 1,
        stderr: `error: cannot load esbuild from ${modules}; run npm ci first\n`,
      });
    } finally {
      symlinkSync(target, modules, "dir");
    }
  });
});
