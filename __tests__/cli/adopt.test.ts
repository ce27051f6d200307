import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { cli, copyOfStages, type StagesJson } from "./support";

// A run synthesizes the stacks in a subprocess (about a second on a busy machine); the same
// stages and imports are synthesized once.
jest.setTimeout(60_000);
jest.mock("../../ops/change-guard/synthesize", () =>
  jest.requireActual("../support/memoized-synthesize").memoizedSynthesizeModule(),
);

const OLD_STATE = "__tests__/fixtures/old-apps-clusters.tfstate";

/** A stages file with the live cluster names, in a directory of its own (for stacks/imports). */
function liveStages(edit: (stages: StagesJson) => void = () => undefined) {
  return copyOfStages((stages) => {
    stages.staging.clusterName = "AppsStaging";
    stages.production.clusterName = "AppsProd";
    edit(stages);
  });
}
const importsFileOf = (stagesFile: string, stage: string) =>
  join(stagesFile, "..", "imports", `${stage}.json`);

interface RawGroup {
  module: string;
  type: string;
  instances: { attributes: Record<string, unknown>; index_key?: number; deposed?: string }[];
}

/** The old state with staging's autoscaling group changed by `edit`, in a file of its own. */
function oldStateWithGroup(edit: (group: RawGroup) => void): string {
  const raw = JSON.parse(readFileSync(OLD_STATE, "utf8")) as { resources: RawGroup[] };
  edit(
    raw.resources.find(
      (r) => r.module === "module.staging_cluster" && r.type === "aws_autoscaling_group",
    ) as RawGroup,
  );
  const path = join(mkdtempSync(join(tmpdir(), "cli-adopt-state-")), "old.tfstate");
  writeFileSync(path, JSON.stringify(raw));
  return path;
}

const DEPOSED_GROUP = oldStateWithGroup((group) =>
  group.instances.push({ ...group.instances[0], deposed: "5a2b7c1d" }),
);
const TWO_GROUPS = oldStateWithGroup((group) => {
  const [only] = group.instances;
  group.instances = [
    { ...only, index_key: 0 },
    { ...only, index_key: 1 },
  ];
});

describe("adopt", () => {
  it("prints the imports with their ids and the first plan, and writes nothing without --write", async () => {
    const stagesFile = liveStages();
    const result = await cli(`adopt staging --from ${OLD_STATE}`, { stagesFile });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = result.stdout.split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {2}aws_ecs_cluster\.cluster +<- module\.staging_cluster\.aws_ecs_cluster\.cluster +id AppsStaging$/,
        ),
        "  ~ aws_ecs_cluster.cluster (update: imported (id AppsStaging); tags_all takes provider.aws default_tags)",
        expect.stringMatching(
          /^ {2}-\/\+ aws_autoscaling_group\.instances \(replace: .*initial_lifecycle_hook changed/,
        ),
        expect.stringMatching(/^ {2}~ aws_cloudwatch_metric_alarm\.low_instance_alarm \(update: /),
        "  attributes the old objects set and this project does not are not compared: read the real plan",
        "The first apply is a rollout: Terraform creates a new launch configuration and ASG beside the",
        "  terraform state rm 'module.staging_cluster.aws_autoscaling_group.instances'",
      ]),
    );
    expect(result.stdout).not.toMatch(/STOP/);
    expect(existsSync(importsFileOf(stagesFile, "staging"))).toBe(false);
  });

  it("writes stacks/imports/<stage>.json with --write, and the next synth emits the import blocks", async () => {
    const stagesFile = liveStages();
    const result = await cli(`adopt staging --from ${OLD_STATE} --write`, { stagesFile });
    expect(result.code).toBe(0);
    const written = JSON.parse(readFileSync(importsFileOf(stagesFile, "staging"), "utf8"));
    expect(written.imports).toEqual([
      {
        to: "aws_ecs_cluster.cluster",
        id: "AppsStaging",
        from: "module.staging_cluster.aws_ecs_cluster.cluster",
      },
      {
        to: "aws_launch_configuration.instances",
        id: "AppsStaging-20250915143022117800000001",
        from: "module.staging_cluster.aws_launch_configuration.instances",
      },
      {
        to: "aws_autoscaling_group.instances",
        id: "AppsStaging-20250915143022117800000001",
        from: "module.staging_cluster.aws_autoscaling_group.instances",
      },
      {
        to: "aws_cloudwatch_metric_alarm.low_instance_alarm",
        id: "AppsStaging-low-instances",
        from: "module.staging_cluster.aws_cloudwatch_metric_alarm.low_instance_alarm",
      },
    ]);

    const outdir = mkdtempSync(join(tmpdir(), "cli-adopt-out-"));
    const app: string = JSON.parse(readFileSync("cdktf.json", "utf8")).app;
    // With imports too, the synth needs no Terraform (a CI job may have none): a broken one first
    // on PATH changes nothing.
    const bin = mkdtempSync(join(tmpdir(), "cli-adopt-broken-terraform-"));
    writeFileSync(join(bin, "terraform"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    await promisify(execFile)("sh", ["-c", app], {
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        STAGES_FILE: stagesFile,
        CDKTF_OUTDIR: outdir,
      },
    });
    const stack = (stage: string) =>
      JSON.parse(readFileSync(join(outdir, "stacks", stage, "cdk.tf.json"), "utf8"));
    expect(stack("staging").import).toEqual(
      written.imports.map(({ to, id }: { to: string; id: string }) => ({ to, id })),
    );
    expect(stack("production").import).toBeUndefined();
  });

  test.each([
    [
      "an unreadable state file",
      "adopt staging --from /nonexistent/old.tfstate",
      () => undefined,
      "error: /nonexistent/old.tfstate: cannot read (ENOENT)\n",
    ],
    [
      "a JSON file that is not a state",
      "adopt staging --from package.json",
      () => undefined,
      "error: package.json: not a Terraform state (expected terraform.tfstate version 4 or `terraform show -json` output)\n",
    ],
    [
      "a module the state does not have",
      `adopt staging --from ${OLD_STATE} --module stage_cluster`,
      () => undefined,
      `error: ${OLD_STATE}: no module.stage_cluster in the state (modules there: module.staging_cluster, module.production_cluster)\n`,
    ],
    [
      "the other stage's module",
      `adopt staging --from ${OLD_STATE} --module production_cluster`,
      () => undefined,
      `error: ${OLD_STATE}: module.production_cluster holds AppsProd, the production cluster (production.clusterName); adopt it as production, or name staging's module with --module\n`,
    ],
    [
      "a cluster name that would replace the live cluster",
      `adopt staging --from ${OLD_STATE} --write`,
      (stages: Record<string, Record<string, unknown>>) =>
        (stages.staging.clusterName = "apps-staging"),
      `error: staging.clusterName is "apps-staging", but the live cluster in module.staging_cluster is "AppsStaging": set staging.clusterName to "AppsStaging" in stacks/stages.json (another name would replace the cluster and every service on it)\n`,
    ],
    [
      "an old state with a deposed group (a rollout that did not finish)",
      `adopt staging --from ${DEPOSED_GROUP} --write`,
      () => undefined,
      `error: ${DEPOSED_GROUP}: module.staging_cluster.aws_autoscaling_group.instances has a deposed object (a rollout that did not finish): finish or clean it up in the old repo first\n`,
    ],
    [
      "an old state with two groups (count = 2) for one address",
      `adopt staging --from ${TWO_GROUPS} --write`,
      () => undefined,
      `error: ${TWO_GROUPS}: module.staging_cluster.aws_autoscaling_group.instances[0] and module.staging_cluster.aws_autoscaling_group.instances[1] both map to aws_autoscaling_group.instances (count or for_each in the old module): this project has one, and adopt stops rather than choose\n`,
    ],
  ])("refuses %s with one line, exit 2, nothing written", async (_case, args, edit, stderr) => {
    const stagesFile = liveStages(edit);
    const result = await cli(args, { stagesFile });
    expect(result).toEqual({ code: 2, stdout: "", stderr });
    expect(existsSync(importsFileOf(stagesFile, "staging"))).toBe(false);
  });

  it("refuses a stage that launches from a template, naming the way there, and writes nothing", async () => {
    const stagesFile = liveStages((stages) => (stages.staging.launch = "template"));
    const result = await cli(`adopt staging --from ${OLD_STATE} --write`, { stagesFile });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ${stagesFile}: staging.launch is "template", but adopt maps a live launch configuration cluster: adopt with "launch": "configuration" (or without launch), apply, then switch (changes --expect launch)\n`,
    });
    expect(existsSync(importsFileOf(stagesFile, "staging"))).toBe(false);
  });

  it("needs --from", async () => {
    const result = await cli("adopt staging", { stagesFile: liveStages() });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: required option '--from <state>' not specified\n",
    });
  });

  it("warns with --write while the stage still has placeholders, and still writes", async () => {
    const stagesFile = liveStages((stages) => {
      stages.staging.subnetIds = ["PLACEHOLDER:subnet-0a1b2c3d4e5f60718"];
      stages.staging.stateBucket = "PLACEHOLDER:cob-digital-terraform-state";
    });
    const result = await cli(`adopt staging --from ${OLD_STATE} --write`, { stagesFile });
    expect(result).toMatchObject({
      code: 0,
      stderr: `warning: staging still has placeholders in subnetIds[0], stateBucket (${stagesFile}): the import ids are real, those values are not; replace them before npm run diff -- staging\n`,
    });
    expect(existsSync(importsFileOf(stagesFile, "staging"))).toBe(true);
  });
});
