import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuardReport } from "../../ops/change-guard/change-guard";
import { createTestRepo, type TestRepo } from "../support/git-repo";
import { changesInRepo } from "./support";
import { COMMITTED_AMI, NEW_AMI, OLDER_AMI } from "../../simulation/amis";

/**
 * `changes --plan`: plans in Terraform's JSON format, shaped as `terraform show -json` writes
 * them (the real provider's plans of every stage-field edit are judged the same way in
 * __tests__/terraform/real-provider/agreement.test.ts).
 */

const home = process.cwd();
const plans = mkdtempSync(join(tmpdir(), "guard-plans-"));
let repo: TestRepo;
beforeAll(() => {
  repo = createTestRepo(home);
  process.chdir(repo.dir);
});
afterAll(() => process.chdir(home));
afterEach(() => repo.reset());

const changes = changesInRepo;

type Change = Record<string, unknown>;

const change = (
  address: string,
  actions: string[],
  before: Change | null,
  after: Change | null,
  extra: Record<string, unknown> = {},
) => ({
  address,
  mode: "managed",
  type: address.split(".")[0],
  name: address.split(".")[1],
  change: { actions, before, after, after_unknown: {}, ...extra },
  ...(actions.includes("create") && actions.includes("delete")
    ? { action_reason: "replace_because_cannot_update" }
    : {}),
});

/** What Terraform plans for an AMI update of staging (the cluster unchanged: a no-op). */
function amiPlan(cluster = "AppsStaging", extra: object[] = []) {
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: [
      change("aws_ecs_cluster.cluster", ["no-op"], { name: cluster }, { name: cluster }),
      change(
        "aws_launch_configuration.instances",
        ["create", "delete"],
        { image_id: COMMITTED_AMI, name: "AppsStaging-1" },
        { image_id: NEW_AMI },
        { after_unknown: { name: true }, replace_paths: [["image_id"]] },
      ),
      change(
        "aws_autoscaling_group.instances",
        ["create", "delete"],
        { name_prefix: "AppsStaging-1-", max_size: 2 },
        { max_size: 2 },
        { after_unknown: { name_prefix: true }, replace_paths: [["name_prefix"]] },
      ),
      change(
        "aws_cloudwatch_metric_alarm.low_instance_alarm",
        ["update"],
        { dimensions: { AutoScalingGroupName: "AppsStaging-1-2" }, threshold: 1 },
        { threshold: 1 },
        { after_unknown: { dimensions: true } },
      ),
      ...extra,
    ],
    configuration: {
      root_module: {
        resources: [
          {
            address: "aws_autoscaling_group.instances",
            expressions: {
              name_prefix: {
                references: [
                  "aws_launch_configuration.instances.name",
                  "aws_launch_configuration.instances",
                ],
              },
            },
          },
          {
            address: "aws_cloudwatch_metric_alarm.low_instance_alarm",
            expressions: {
              dimensions: {
                references: [
                  "aws_autoscaling_group.instances.name",
                  "aws_autoscaling_group.instances",
                ],
              },
            },
          },
        ],
      },
    },
  };
}

function planFile(name: string, content: unknown): string {
  const file = join(plans, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("changes --plan", () => {
  it("passes an AMI rollout's plan, judged as --expect ami because only amiId changed", async () => {
    repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
    const run = await changes(`--plan ${planFile("ami.json", amiPlan())} --format json`);
    const report = JSON.parse(run.stdout) as GuardReport;
    expect(report.plan?.stage).toBe("staging");
    expect(report.stages.staging?.configChanges).toEqual(["amiId"]);
    expect(report.stages.staging?.changes.map((c) => [c.address, c.action, c.reasons])).toEqual([
      [
        "aws_autoscaling_group.instances",
        "replace",
        ["name_prefix refers to replaced aws_launch_configuration.instances"],
      ],
      [
        "aws_cloudwatch_metric_alarm.low_instance_alarm",
        "update",
        ["dimensions refers to replaced aws_autoscaling_group.instances"],
      ],
      ["aws_launch_configuration.instances", "replace", ["image_id changed"]],
    ]);
    expect(report.verdict).toMatchObject({
      expect: "ami",
      pass: true,
      problems: [],
      refused: false,
    });
    expect(run.code).toBe(0);
  });

  it("fails a staging plan of an AMI change that changes production's AMI too", async () => {
    repo.edit("stacks/stages.json", new RegExp(COMMITTED_AMI, "g"), NEW_AMI);
    const run = await changes(`--plan ${planFile("together.json", amiPlan())}`);
    expect(run.stdout).toContain("expect ami: FAIL");
    expect(run.stdout).toContain("TOGETHER amiId changed in staging and production at once");
    expect(run.code).toBe(1);
  });

  it("fails an AMI change whose plan does more, naming what", async () => {
    repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
    const extra = change(
      "aws_sqs_queue.instance_drain_failures",
      ["update"],
      { delay_seconds: 0 },
      {
        delay_seconds: 5,
      },
    );
    const run = await changes(`--plan ${planFile("more.json", amiPlan("AppsStaging", [extra]))}`);
    expect(run.stdout).toContain("expect ami: FAIL");
    expect(run.stdout).toContain(
      "staging: unexpected update of aws_sqs_queue.instance_drain_failures",
    );
    expect(run.code).toBe(1);
  });

  it("fails a plan whose launch configuration boots another image than the stage's amiId", async () => {
    repo.edit("stacks/stages.json", COMMITTED_AMI, OLDER_AMI);
    const run = await changes(`--plan ${planFile("stale.json", amiPlan())}`);
    expect(run.stdout).toContain(
      `staging: the plan's aws_launch_configuration.instances boots ${NEW_AMI}, but staging.amiId is ${OLDER_AMI} (a plan of another synth?)`,
    );
    expect(run.code).toBe(1);
  });

  it("refuses a plan that replaces the ECS cluster, in every mode, unless --allow-destructive", async () => {
    repo.edit(
      "stacks/stages.json",
      '"clusterName": "AppsStaging"',
      '"clusterName": "AppsStaging2"',
    );
    const replaced = amiPlan("AppsStaging");
    replaced.resource_changes[0] = change(
      "aws_ecs_cluster.cluster",
      ["delete", "create"],
      { name: "AppsStaging" },
      { name: "AppsStaging2" },
      { replace_paths: [["name"]] },
    );
    const file = planFile("cluster.json", replaced);
    for (const args of ["", "--expect ami", "--format markdown"]) {
      const run = await changes(`--plan ${file} --stage staging ${args}`);
      expect(run.stdout).toMatch(
        /staging: STOP replace of aws_ecs_cluster\.cluster \(name changed\): the ECS cluster is deleted/,
      );
      expect(run.code).toBe(1);
    }
    const allowed = await changes(`--plan ${file} --stage staging --allow-destructive`);
    expect(allowed.stdout).toContain("(allowed by --allow-destructive)");
    expect(allowed.code).toBe(0);
  });

  describe("a plan of another stage than the one named: one line, exit 2, in every mode", () => {
    const MODES = ["", "--expect ami", "--allow-destructive", "--format json", "--format markdown"];
    const PRODUCTION_BACKEND = {
      type: "s3",
      config: {
        bucket: "cob-digital-terraform-state",
        key: "apps-cluster/production/terraform.tfstate",
        region: "us-east-1",
      },
    };

    /** A plan file in a directory `terraform init` ran in with `backend`, as Atlantis has it. */
    function initializedPlan(name: string, plan: object, backend: object): string {
      const dir = mkdtempSync(join(plans, `${name}-`));
      mkdirSync(join(dir, ".terraform"));
      writeFileSync(
        join(dir, ".terraform", "terraform.tfstate"),
        JSON.stringify({ version: 3, backend: { ...backend, hash: 1 } }),
      );
      const file = join(dir, "plan.json");
      writeFileSync(file, JSON.stringify(plan));
      return file;
    }

    const refusedIn = async (file: string, line: string) => {
      for (const mode of MODES) {
        const run = await changes(`--plan ${file} --stage staging ${mode}`);
        expect({ mode, ...run }).toEqual({
          mode,
          code: 2,
          stdout: "",
          stderr: `error: --plan ${file}: ${line}\n`,
        });
      }
    };

    it("refuses production's plan judged as staging's while staging's amiId changed", async () => {
      repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
      const file = planFile("production.json", amiPlan("AppsProd"));
      await refusedIn(
        file,
        "not a plan of staging: its ECS cluster (before the change) is AppsProd, staging's is AppsStaging; plan staging's own stack (cdktf.out/stacks/staging) and judge that",
      );
    });

    it("refuses a plan whose provider region is not the stage's", async () => {
      repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
      const plan = {
        ...amiPlan(),
        configuration: {
          ...amiPlan().configuration,
          provider_config: {
            aws: { name: "aws", expressions: { region: { constant_value: "us-west-2" } } },
          },
        },
      };
      await refusedIn(
        planFile("west.json", plan),
        "not a plan of staging: its provider region is us-west-2, staging's is us-east-1; plan staging's own stack (cdktf.out/stacks/staging) and judge that",
      );
    });

    it("refuses a plan made with production's backend key", async () => {
      repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
      const file = initializedPlan("key", amiPlan(), PRODUCTION_BACKEND);
      await refusedIn(
        file,
        "not a plan of staging: its backend key is apps-cluster/production/terraform.tfstate, staging's is apps-cluster/staging/terraform.tfstate; plan staging's own stack (cdktf.out/stacks/staging) and judge that",
      );
    });

    it("judges a plan made with the stage's own backend", async () => {
      repo.edit("stacks/stages.json", COMMITTED_AMI, NEW_AMI);
      const own = {
        ...PRODUCTION_BACKEND,
        config: { ...PRODUCTION_BACKEND.config, key: "apps-cluster/staging/terraform.tfstate" },
      };
      const run = await changes(`--plan ${initializedPlan("own", amiPlan(), own)} --stage staging`);
      expect(run.stdout).toContain("expect ami: pass");
      expect(run.code).toBe(0);
    });
  });

  describe("errors: one line, exit 2", () => {
    it.each([
      [
        "a saved binary plan",
        "PK\u0003\u0004binary",
        "a saved plan file, not its JSON: run terraform show -json",
      ],
      ["not JSON", "No changes.", "not JSON; pass the output of terraform show -json PLANFILE"],
      ["JSON that is not a plan", { values: {} }, "not a Terraform plan in JSON"],
      ["a plan of no known stage", amiPlan("Other"), "cannot tell which stage the plan is of"],
    ])("%s", async (_what, content, message) => {
      const file = planFile("bad.json", content);
      const run = await changes(`--plan ${file}`);
      expect(run.stdout).toBe("");
      expect(run.stderr.split("\n")).toEqual([expect.stringContaining(message), ""]);
      expect(run.stderr).toMatch(/^error: --plan /);
      expect(run.code).toBe(2);
    });
  });
});
