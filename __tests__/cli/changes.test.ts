import { execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { GuardReport } from "../../ops/change-guard/change-guard";
import { createTestRepo, type TestRepo } from "../support/git-repo";
import { changesInRepo } from "./support";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

// Every run synthesizes two commits in fresh Node processes: seconds on a busy machine.
jest.setTimeout(60_000);

const AMI_UPDATE = [
  { address: "aws_autoscaling_group.instances", action: "replace" },
  { address: "aws_cloudwatch_metric_alarm.low_instance_alarm", action: "update" },
  { address: "aws_launch_configuration.instances", action: "replace" },
];

const home = process.cwd();
let repo: TestRepo;
beforeAll(() => {
  repo = createTestRepo(home);
  process.chdir(repo.dir);
  // A cache of the base's synth of this file's own: the scenarios below run with it, the first
  // filling it and the others using it (changes-cache.test.ts compares with runs without it).
  process.env.CHANGES_SYNTH_CACHE = mkdtempSync(join(tmpdir(), "changes-synth-cache-"));
});
afterAll(() => {
  process.chdir(home);
  delete process.env.CHANGES_SYNTH_CACHE;
});
afterEach(() => {
  repo.reset();
  // Whatever happened, the temporary worktree is gone and cdktf.out was never written.
  expect(existsSync(join(repo.dir, "cdktf.out"))).toBe(false);
  expect(repo.worktrees()).toEqual([realpathSync(repo.dir)]);
});

/** Runs `apps-cluster changes <args>` in this process, in the test repository. */
const changes = changesInRepo;

/** The JSON report's touched addresses and actions, per stage. */
async function touched(args: string) {
  const run = await changes(`${args} --format json`);
  expect(run.stderr).toBe("");
  const report = JSON.parse(run.stdout) as GuardReport;
  const stages = Object.fromEntries(
    Object.entries(report.stages).map(([stage, { changes: entries }]) => [
      stage,
      entries.map(({ address, action }) => ({ address, action })),
    ]),
  );
  return { code: run.code, report, stages };
}

const setStagingAmi = () => repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);

describe("npm run cluster -- changes", () => {
  it("passes --expect ami when only staging's amiId changed, listing exactly the three resources", async () => {
    setStagingAmi();
    const { code, report, stages } = await touched("--expect ami");
    expect(stages).toEqual({ staging: AMI_UPDATE, production: [] });
    expect(report.stages.staging?.configChanges).toEqual(["amiId"]);
    expect(report.verdict).toEqual({
      expect: "ami",
      pass: true,
      problems: [],
      warnings: [],
      stops: [],
      refused: false,
    });
    expect(report.base).toEqual({ ref: "HEAD", commit: repo.git("rev-parse", "HEAD") });
    expect(code).toBe(0);
  });

  it("fails --expect ami for an instance type change, which touches the same three resources", async () => {
    repo.edit("stacks/stages.json", '"t3.large"', '"t3.xlarge"');
    const { code, report, stages } = await touched("--expect ami");
    expect(stages).toEqual({ staging: AMI_UPDATE, production: [] });
    expect(report.verdict.problems).toEqual([
      "no stage's amiId changed",
      "staging: stage setting instanceType changed (only amiId may)",
      "staging: unexpected replace of aws_autoscaling_group.instances in a stage whose amiId did not change",
      "staging: unexpected update of aws_cloudwatch_metric_alarm.low_instance_alarm in a stage whose amiId did not change",
      "staging: unexpected replace of aws_launch_configuration.instances in a stage whose amiId did not change",
    ]);
    expect(code).toBe(1);
  });

  it("passes --expect launch when staging switches to a launch template, and names the deleted launch configuration", async () => {
    repo.edit(
      "stacks/stages.json",
      '"instanceType": "t3.large",',
      '"instanceType": "t3.large",\n    "launch": "template",',
    );
    const { code, report, stages } = await touched("--expect launch");
    expect(stages).toEqual({
      staging: [
        { address: "aws_autoscaling_group.instances", action: "replace" },
        { address: "aws_cloudwatch_metric_alarm.low_instance_alarm", action: "update" },
        { address: "aws_launch_configuration.instances", action: "delete" },
        { address: "aws_launch_template.instances", action: "create" },
        { address: "terraform_data.launch_generation", action: "create" },
      ],
      production: [],
    });
    expect(report.verdict).toEqual({
      expect: "launch",
      pass: true,
      problems: [],
      warnings: ["staging: DELETE aws_launch_configuration.instances"],
      stops: [],
      refused: false,
    });
    expect(code).toBe(0);
    const text = await changes("--expect launch --stage staging");
    expect(text.stdout).toContain(
      "expect launch: pass (only launch changed, and only what the switch replaces)\n",
    );
  });

  it("fails --expect ami naming a resource the change adds", async () => {
    setStagingAmi();
    repo.edit(
      "stacks/cluster-stack.ts",
      "    this.node.addValidation(",
      '    new SqsQueue(this, "extra_queue", { name: `${stage}-extra` });\n    this.node.addValidation(',
    );
    repo.edit(
      "stacks/cluster-stack.ts",
      'import { Construct } from "constructs";',
      'import { Construct } from "constructs";\nimport { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";',
    );
    const { code, report, stages } = await touched("--expect ami");
    const added = { address: "aws_sqs_queue.extra_queue", action: "create" };
    expect(stages.staging).toEqual([...AMI_UPDATE, added]);
    expect(stages.production).toEqual([added]);
    expect(report.verdict.problems).toEqual([
      "staging: unexpected create of aws_sqs_queue.extra_queue",
      "production: unexpected create of aws_sqs_queue.extra_queue in a stage whose amiId did not change",
    ]);
    expect(code).toBe(1);
  });

  it("flags a renamed construct id (a delete and a create of one type) without --expect", async () => {
    repo.edit(
      "constructs/drain-failures.ts",
      '"instance_drain_failures",',
      '"drain_dead_letters",',
    );
    const run = await changes("--stage staging");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}RENAMED\? +- +aws_sqs_queue\.instance_drain_failures +delete/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}RENAMED\? +\+ +aws_sqs_queue\.drain_dead_letters +create/),
    );
    expect(lines).toContain(
      "WARNING staging: RENAMED? aws_sqs_queue.instance_drain_failures is deleted and aws_sqs_queue.drain_dead_letters created: a changed construct id destroys the live object and creates a new one",
    );
    expect(lines.some((line) => line.startsWith("production"))).toBe(false);
  });

  it("reports a change of the drain function's code as an update of the function only", async () => {
    writeFileSync(
      join(repo.dir, "lambda/instance-drain/index.ts"),
      `${readFileSync(join(repo.dir, "lambda/instance-drain/index.ts"), "utf8")}\nexport const guardTestMarker = "changed";\n`,
    );
    const { code, report, stages } = await touched("");
    const update = [{ address: "aws_lambda_function.instance_drain", action: "update" }];
    expect(stages).toEqual({ staging: update, production: update });
    expect(report.stages.staging?.changes[0].reasons).toEqual(
      expect.arrayContaining(["source_code_hash changed"]),
    );
    expect(report.verdict.pass).toBeNull();
    expect(code).toBe(0);
  });

  const TOGETHER =
    "TOGETHER amiId changed in staging and production at once: each would roll onto an AMI no stage has run; change staging's first, then the next stage's in a pull request of its own";

  it("renders a change in both stages as markdown, verdict first, one table per stage", async () => {
    repo.edit("stacks/stages.json", new RegExp(COMMITTED_AMI, "g"), NEW_AMI);
    // Both stages' AMIs in one change: every stage is judged, and rolling them together fails.
    const run = await changes("--expect ami --format markdown");
    expect(run.code).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("### Change guard: :x: not only an AMI update (expect ami)");
    expect(lines).toContain(`- ${TOGETHER}`);
    const tables = lines.filter((line) => line === "| | resource | action | why |");
    expect(tables).toHaveLength(2);
    expect(lines.indexOf("#### staging")).toBeLessThan(lines.indexOf("#### production"));
    expect(lines).toContain(
      "| `~` | `aws_cloudwatch_metric_alarm.low_instance_alarm` | update | dimensions refers to replaced aws_autoscaling_group.instances |",
    );
  });

  it("limits the report to --stage but judges every stage", async () => {
    repo.edit("stacks/stages.json", new RegExp(COMMITTED_AMI, "g"), NEW_AMI);
    const onlyAmi = await touched("--stage production --expect ami");
    expect(onlyAmi.stages).toEqual({ production: AMI_UPDATE });
    expect(onlyAmi.report.verdict.problems).toEqual([TOGETHER]);
    expect(onlyAmi.code).toBe(1);

    repo.edit("stacks/stages.json", '"m6i.large"', '"m6i.xlarge"');
    const { code, report, stages } = await touched("--stage staging --expect ami");
    expect(stages).toEqual({ staging: AMI_UPDATE });
    expect(report.verdict.problems).toEqual([
      TOGETHER,
      "production: stage setting instanceType changed (only amiId may)",
      "production: unexpected reason for the replace of aws_launch_configuration.instances: instance_type changed",
    ]);
    expect(code).toBe(1);
  });

  it("fails --expect ami for an AMI change that also changes the user data", async () => {
    setStagingAmi();
    repo.edit(
      "constructs/cluster-instances.ts",
      "userData: ecsUserData(cluster.clusterName, props.ecsAgentSettings ?? {}),",
      "userData: `${ecsUserData(cluster.clusterName, props.ecsAgentSettings ?? {})}echo extra\\n`,",
    );
    const { code, report, stages } = await touched("--expect ami");
    expect(stages.staging).toEqual(AMI_UPDATE);
    expect(report.verdict.problems).toEqual([
      "staging: unexpected reason for the replace of aws_launch_configuration.instances: user_data changed",
      "production: unexpected replace of aws_autoscaling_group.instances in a stage whose amiId did not change",
      "production: unexpected update of aws_cloudwatch_metric_alarm.low_instance_alarm in a stage whose amiId did not change",
      "production: unexpected replace of aws_launch_configuration.instances in a stage whose amiId did not change",
    ]);
    expect(code).toBe(1);
  });

  it("reports the imports a new imports file adds, and fails --expect ami for them", async () => {
    setStagingAmi();
    const imports = {
      source: "a test",
      imports: [
        { to: "aws_ecs_cluster.cluster", id: "AppsStaging" },
        { to: "aws_launch_configuration.instances", id: "AppsStaging-instances-1" },
      ],
    };
    mkdirSync(join(repo.dir, "stacks/imports"));
    writeFileSync(join(repo.dir, "stacks/imports/staging.json"), JSON.stringify(imports));
    const { code, report, stages } = await touched("--expect ami");
    expect(stages.staging).toEqual(
      expect.arrayContaining([{ address: "aws_ecs_cluster.cluster", action: "import" }]),
    );
    const cluster = report.stages.staging?.changes.find(
      (c) => c.address === "aws_ecs_cluster.cluster",
    );
    expect(cluster).toEqual({
      address: "aws_ecs_cluster.cluster",
      action: "import",
      reasons: ["import block added (id AppsStaging)"],
      importId: "AppsStaging",
    });
    expect(report.verdict.problems).toEqual(
      expect.arrayContaining([
        "staging: unexpected import of aws_ecs_cluster.cluster (id AppsStaging)",
        "staging: unexpected import of aws_launch_configuration.instances (id AppsStaging-instances-1)",
      ]),
    );
    expect(report.verdict.problems).toHaveLength(2);
    expect(code).toBe(1);
  });

  it("compares with origin/main by default when it exists", async () => {
    const main = repo.git("rev-parse", "HEAD");
    setStagingAmi();
    repo.commit("new AMI for staging");
    repo.git("update-ref", "refs/remotes/origin/main", main);
    try {
      const { report, stages } = await touched("");
      expect(report.base).toEqual({ ref: "origin/main", commit: main });
      expect(stages.staging).toEqual(AMI_UPDATE);
    } finally {
      repo.git("update-ref", "-d", "refs/remotes/origin/main");
      repo.git("reset", "-q", "--hard", main);
    }
  });

  describe("errors: one line, exit 2", () => {
    it("names an unknown --base ref", async () => {
      expect(await changes("--base no-such-branch")).toEqual({
        code: 2,
        stdout: "",
        stderr: "error: --base no-such-branch: no such commit in this repository\n",
      });
    });

    it("shows the synth error of a base that does not synthesize", async () => {
      const main = repo.git("rev-parse", "HEAD");
      repo.edit("stacks/stages.json", COMMITTED_AMI, "ami-broken");
      const broken = repo.commit("a broken stages file");
      repo.git("reset", "-q", "--hard", main);
      const run = await changes(`--base ${broken}`);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(
          `^error: the base ${broken} \\(${broken.slice(0, 12)}\\) does not synthesize: stacks/stages\\.json: staging\\.amiId: must be "ami-" .*, got "ami-broken"\\n$`,
        ),
      );
    });

    it("shows the synth error of a working tree that does not synthesize", async () => {
      repo.edit("stacks/stages.json", '"t3.large"', '"t3.huge"');
      const run = await changes("");
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^error: the working tree does not synthesize: stacks\/stages\.json: staging\.instanceType: .*, got "t3\.huge"\n$/,
      );
    });

    it("refuses a base with another package-lock.json", async () => {
      const main = repo.git("rev-parse", "HEAD");
      repo.edit("package-lock.json", '"lockfileVersion"', '"requires": true,\n  "lockfileVersion"');
      const other = repo.commit("another lockfile");
      repo.git("reset", "-q", "--hard", main);
      const run = await changes(`--base ${other}`);
      expect(run).toEqual({
        code: 2,
        stdout: "",
        stderr: `error: the base ${other} has another package-lock.json than ${repo.dir}, so its node_modules cannot synthesize the base; compare with a base that has the same lockfile, or pass --base-install with a folder installed from the base's lockfile\n`,
      });
    });

    it("synthesizes a base with another package-lock.json with the node_modules --base-install names", async () => {
      const main = repo.git("rev-parse", "HEAD");
      repo.edit("package-lock.json", '"lockfileVersion"', '"requires": true,\n  "lockfileVersion"');
      const other = repo.commit("another lockfile");
      const install = mkdtempSync(join(tmpdir(), "guard-base-install-"));
      copyFileSync(join(repo.dir, "package-lock.json"), join(install, "package-lock.json"));
      symlinkSync(join(home, "node_modules"), join(install, "node_modules"));
      repo.git("reset", "-q", "--hard", main);
      const run = await changes(`--base ${other} --base-install ${install}`);
      expect(run.stderr).toBe("");
      expect(run.stdout).toContain("staging: no changes");
      expect(run.code).toBe(0);
      const mismatched = await changes(`--base ${main} --base-install ${install}`);
      expect(mismatched.stderr).toContain(`has another package-lock.json than ${install}`);
      expect(mismatched.code).toBe(2);
    });

    it("says so outside a git repository", async () => {
      const plain = mkdtempSync(join(tmpdir(), "guard-plain-"));
      process.chdir(plain);
      try {
        expect(await changes("")).toEqual({
          code: 2,
          stdout: "",
          stderr: `error: ${plain} is not inside a git repository (the change guard compares commits)\n`,
        });
      } finally {
        process.chdir(repo.dir);
      }
    });
  });

  describe("interrupted while synthesizing the base (no cache, so there is a checkout)", () => {
    beforeAll(() => (process.env.CHANGES_SYNTH_CACHE = "off"));
    afterAll(
      () => (process.env.CHANGES_SYNTH_CACHE = mkdtempSync(join(tmpdir(), "changes-synth-cache-"))),
    );

    /** Calls `press` once the base's worktree exists, so the cleanup has something to remove. */
    function whenWorktreeExists(press: () => void): void {
      const worktrees = join(repo.dir, ".git", "worktrees");
      const poll = setInterval(() => {
        if (existsSync(worktrees) && readdirSync(worktrees).length > 0) {
          clearInterval(poll);
          press();
        }
      }, 10);
    }

    it("stops on Ctrl-C while synthesizing and removes the temporary worktree", async () => {
      setStagingAmi();
      const run = await changes("", (press) => whenWorktreeExists(press));
      expect(run).toEqual({
        code: 130,
        stdout: "",
        stderr: "warning: interrupted; the temporary worktree is removed\n",
      });
    });

    it("exits 129 when its terminal goes away (SIGHUP) while synthesizing", async () => {
      setStagingAmi();
      const run = await changes("", (press) => whenWorktreeExists(() => press("SIGHUP")));
      expect(run.code).toBe(129);
    });

    it("stops on SIGTERM (a cancelled CI job) with exit 143 and removes the temporary worktree", async () => {
      setStagingAmi();
      const child = spawn(process.execPath, ["bin/apps-cluster.cjs", "changes"], {
        cwd: repo.dir,
        env: { ...process.env, STAGES_FILE: undefined },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      whenWorktreeExists(() => child.kill("SIGTERM"));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) =>
        child.on("close", (...ended) => done(ended)),
      );
      expect({ code, signal, stdout, stderr }).toEqual({
        code: 143,
        signal: null,
        stdout: "",
        stderr: "warning: interrupted; the temporary worktree is removed\n",
      });
    });
  });

  it("runs end to end through npm and prints the table", async () => {
    setStagingAmi();
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "-s", "cluster", "--", "changes", "--expect", "ami"],
      { cwd: repo.dir, env: { ...process.env, STAGES_FILE: undefined } },
    );
    expect(stdout.split("\n")).toEqual(
      expect.arrayContaining([
        "staging: 3 touched (stage settings changed: amiId)",
        "  ~    aws_cloudwatch_metric_alarm.low_instance_alarm  update: dimensions refers to replaced aws_autoscaling_group.instances",
        "production: no changes",
        "expect ami: pass (only amiId changed, and only what it replaces)",
      ]),
    );
  });
});
