import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdktf";
import {
  firstPlanAfterAdoption,
  planAdoption,
  stateRemovals,
  type AdoptedStage,
} from "../../../ops/adoption/adoption";
import { ConfigError } from "../../../config/config-error";
import { parseTerraformState, type StateResource } from "../../../ops/adoption/terraform-state";
import { addClusterStacks } from "../../../stacks/cluster-app";
import { readStageImports, type StageImports } from "../../../config/imports";
import { baseStages, DRAIN_ZIP } from "../../../simulation/fixtures";

const FIXTURE = "__tests__/fixtures/old-apps-clusters.tfstate";
const rawState = readFileSync(FIXTURE, "utf8");
const resources = parseTerraformState(rawState, FIXTURE);

const staging: AdoptedStage = {
  stage: "staging",
  clusterName: "AppsStaging",
  region: "us-east-1",
  otherStages: [{ stage: "production", clusterName: "AppsProd" }],
};
const production: AdoptedStage = {
  stage: "production",
  clusterName: "AppsProd",
  region: "us-east-1",
  otherStages: [{ stage: "staging", clusterName: "AppsStaging" }],
};

interface RawResource {
  module?: string;
  mode: string;
  type: string;
  name: string;
  instances: {
    attributes: Record<string, unknown>;
    index_key?: number | string;
    deposed?: string;
  }[];
}

/** The fixture's raw state, changed by `edit`, as text. */
function editedState(edit: (resources: RawResource[]) => void): string {
  const raw = JSON.parse(rawState) as { resources: RawResource[] };
  edit(raw.resources);
  return JSON.stringify(raw);
}

const find = (resources: RawResource[], module: string, type: string) =>
  resources.find((r) => r.module === module && r.type === type) as RawResource;

/** The same state as `terraform show -json` prints it. */
function asShowJson(text: string): string {
  const raw = JSON.parse(text) as { resources: RawResource[] };
  const modules = new Map<string, object[]>();
  for (const r of raw.resources) {
    const module = r.module as string;
    const prefix = `${module}.${r.mode === "data" ? "data." : ""}`;
    const shown = r.instances.map((instance) => ({
      address: `${prefix}${r.type}.${r.name}${
        instance.index_key === undefined ? "" : `[${JSON.stringify(instance.index_key)}]`
      }`,
      mode: r.mode,
      type: r.type,
      name: r.name,
      ...(instance.index_key === undefined ? {} : { index: instance.index_key }),
      values: instance.attributes,
      ...(instance.deposed === undefined ? {} : { deposed_key: instance.deposed }),
    }));
    modules.set(module, [...(modules.get(module) ?? []), ...shown]);
  }
  return JSON.stringify({
    format_version: "1.0",
    terraform_version: "1.5.7",
    values: {
      root_module: {
        child_modules: [...modules].map(([address, moduleResources]) => ({
          address,
          resources: moduleResources,
        })),
      },
    },
  });
}

/** A rollout of the old repo that stopped half-way: the old group is left as a deposed object. */
const withDeposedGroup = editedState((resources) => {
  const group = find(resources, "module.staging_cluster", "aws_autoscaling_group");
  group.instances.push({
    deposed: "5a2b7c1d",
    attributes: {
      ...group.instances[0].attributes,
      name: "AppsStaging-20250601080000000000000001",
    },
  });
});

function synthWithImports(imports: Partial<Record<"staging" | "production", StageImports>>) {
  const stages = baseStages();
  stages.staging.clusterName = "AppsStaging";
  stages.production.clusterName = "AppsProd";
  const [stagingStack, productionStack] = addClusterStacks(
    Testing.app(),
    stages,
    DRAIN_ZIP,
    "stages.json",
    imports,
  );
  return {
    staging: JSON.parse(Testing.synth(stagingStack)),
    production: JSON.parse(Testing.synth(productionStack)),
  };
}

describe("adopting the old HCL state", () => {
  it.each([
    [
      "staging",
      staging,
      "module.staging_cluster",
      "AppsStaging",
      "AppsStaging-20250915143022117800000001",
    ],
    [
      "production",
      production,
      "module.production_cluster",
      "AppsProd",
      "AppsProd-20250922091544523100000002",
    ],
  ])(
    "maps %s's module onto the project's addresses with Terraform's import ids",
    (_s, stage, module, cluster, generated) => {
      const plan = planAdoption(resources, module, stage, FIXTURE);
      expect(plan.imports.map(({ from, to, id }) => ({ from, to, id }))).toEqual([
        { from: `${module}.aws_ecs_cluster.cluster`, to: "aws_ecs_cluster.cluster", id: cluster },
        {
          from: `${module}.aws_launch_configuration.instances`,
          to: "aws_launch_configuration.instances",
          id: generated,
        },
        {
          from: `${module}.aws_autoscaling_group.instances`,
          to: "aws_autoscaling_group.instances",
          id: generated,
        },
        {
          from: `${module}.aws_cloudwatch_metric_alarm.low_instance_alarm`,
          to: "aws_cloudwatch_metric_alarm.low_instance_alarm",
          id: `${cluster}-low-instances`,
        },
      ]);
      expect(plan.leftAlone.map(({ address }) => address)).toEqual([
        `${module}.aws_iam_instance_profile.instances`,
        `${module}.data.aws_iam_policy_document.instance_assume_role`,
      ]);
      expect(plan.missing).toEqual([]);
      expect(stateRemovals(plan)).toContain(
        `terraform state rm '${module}.aws_ecs_cluster.cluster'`,
      );
    },
  );

  it("reads `terraform show -json` output the same way as the raw state", () => {
    const fromShow = parseTerraformState(asShowJson(rawState), "show.json");
    const strip = (list: readonly StateResource[]) =>
      list.map(({ address, type, name, mode, module }) => ({ address, type, name, mode, module }));
    expect(strip(fromShow)).toEqual(strip(resources));
    const plan = planAdoption(fromShow, "module.staging_cluster", staging, "show.json");
    expect(plan.imports.map(({ id }) => id)[0]).toBe("AppsStaging");
  });

  it("lists the resources of a module nested in the stage's module as left alone", () => {
    const nested = parseTerraformState(
      editedState((resources) =>
        resources.push({
          module: "module.staging_cluster.module.logs",
          mode: "managed",
          type: "aws_cloudwatch_log_group",
          name: "agent",
          instances: [{ attributes: { name: "/ecs/AppsStaging/agent" } }],
        }),
      ),
      FIXTURE,
    );
    const plan = planAdoption(nested, "module.staging_cluster", staging, FIXTURE);
    expect(plan.leftAlone).toContainEqual({
      address: "module.staging_cluster.module.logs.aws_cloudwatch_log_group.agent",
      reason:
        "in module.staging_cluster.module.logs, a module inside module.staging_cluster: adopt takes only module.staging_cluster's own resources",
    });
    expect(plan.imports).toHaveLength(4);
  });

  it("lists a deposed object of a type it leaves alone as such, beside the current one", () => {
    const deposedProfile = parseTerraformState(
      editedState((resources) => {
        const profile = find(resources, "module.staging_cluster", "aws_iam_instance_profile");
        profile.instances.push({ ...profile.instances[0], deposed: "7c3e9f10" });
      }),
      FIXTURE,
    );
    const plan = planAdoption(deposedProfile, "module.staging_cluster", staging, FIXTURE);
    expect(plan.leftAlone.map(({ address }) => address)).toEqual([
      "module.staging_cluster.aws_iam_instance_profile.instances",
      "module.staging_cluster.aws_iam_instance_profile.instances (deposed object)",
      "module.staging_cluster.data.aws_iam_policy_document.instance_assume_role",
    ]);
  });

  it("reads a single indexed instance (count = 1) by its indexed address", () => {
    const indexed = parseTerraformState(
      editedState((resources) => {
        find(resources, "module.staging_cluster", "aws_autoscaling_group").instances[0].index_key =
          0;
      }),
      FIXTURE,
    );
    const plan = planAdoption(indexed, "module.staging_cluster", staging, FIXTURE);
    expect(plan.imports).toContainEqual(
      expect.objectContaining({
        from: "module.staging_cluster.aws_autoscaling_group.instances[0]",
        to: "aws_autoscaling_group.instances",
      }),
    );
  });

  it("reports a counterpart the old module lacks: the first apply creates it", () => {
    const withoutAlarm = resources.filter((r) => r.type !== "aws_cloudwatch_metric_alarm");
    const plan = planAdoption(withoutAlarm, "module.staging_cluster", staging, FIXTURE);
    expect(plan.missing).toEqual(["aws_cloudwatch_metric_alarm.low_instance_alarm"]);
  });

  test.each([
    [
      "a cluster name that is not the live one",
      () =>
        planAdoption(
          resources,
          "module.staging_cluster",
          { ...staging, clusterName: "apps-staging" },
          FIXTURE,
        ),
      `staging.clusterName is "apps-staging", but the live cluster in module.staging_cluster is "AppsStaging": set staging.clusterName to "AppsStaging" in stacks/stages.json (another name would replace the cluster and every service on it)`,
    ],
    [
      "another region than the live cluster's",
      () =>
        planAdoption(
          resources,
          "module.staging_cluster",
          { ...staging, region: "us-west-2" },
          FIXTURE,
        ),
      `staging.region is "us-west-2", but the live cluster AppsStaging is in us-east-1: set staging.region to "us-east-1" in stacks/stages.json`,
    ],
    [
      "the other stage's module",
      () => planAdoption(resources, "module.production_cluster", staging, FIXTURE),
      `${FIXTURE}: module.production_cluster holds AppsProd, the production cluster (production.clusterName); adopt it as production, or name staging's module with --module`,
    ],
    [
      "a module the state does not have",
      () => planAdoption(resources, "module.stage_cluster", staging, FIXTURE),
      `${FIXTURE}: no module.stage_cluster in the state (modules there: module.staging_cluster, module.production_cluster)`,
    ],
    [
      "a resource type the project does not know",
      () =>
        planAdoption(
          [
            ...resources,
            {
              ...resources[0],
              address: "module.staging_cluster.aws_db_instance.db",
              type: "aws_db_instance",
              name: "db",
            },
          ],
          "module.staging_cluster",
          staging,
          FIXTURE,
        ),
      `${FIXTURE}: module.staging_cluster.aws_db_instance.db: resource type aws_db_instance is one this project neither manages nor knows to leave alone; adopt stops rather than guess (see docs/adopting.md)`,
    ],
    [
      "a deposed object in the raw state (a rollout that did not finish)",
      () =>
        planAdoption(
          parseTerraformState(withDeposedGroup, FIXTURE),
          "module.staging_cluster",
          staging,
          FIXTURE,
        ),
      `${FIXTURE}: module.staging_cluster.aws_autoscaling_group.instances has a deposed object (a rollout that did not finish): finish or clean it up in the old repo first`,
    ],
    [
      "a deposed object in `terraform show -json` output",
      () =>
        planAdoption(
          parseTerraformState(asShowJson(withDeposedGroup), "show.json"),
          "module.staging_cluster",
          staging,
          "show.json",
        ),
      "show.json: module.staging_cluster.aws_autoscaling_group.instances has a deposed object (a rollout that did not finish): finish or clean it up in the old repo first",
    ],
    [
      "two instances (count = 2) that would both go to one address",
      () =>
        planAdoption(
          parseTerraformState(
            editedState((resources) => {
              const group = find(resources, "module.staging_cluster", "aws_autoscaling_group");
              const [only] = group.instances;
              group.instances = [
                { ...only, index_key: 0 },
                { index_key: 1, attributes: { ...only.attributes, name: "AppsStaging-second" } },
              ];
            }),
            FIXTURE,
          ),
          "module.staging_cluster",
          staging,
          FIXTURE,
        ),
      `${FIXTURE}: module.staging_cluster.aws_autoscaling_group.instances[0] and module.staging_cluster.aws_autoscaling_group.instances[1] both map to aws_autoscaling_group.instances (count or for_each in the old module): this project has one, and adopt stops rather than choose`,
    ],
    [
      "a module without the ECS cluster",
      () =>
        planAdoption(
          resources.filter((r) => r.type !== "aws_ecs_cluster"),
          "module.staging_cluster",
          staging,
          FIXTURE,
        ),
      `${FIXTURE}: module.staging_cluster has no aws_ecs_cluster.cluster to adopt: a create under the live name would take over the existing cluster unnoticed, managed by two states; find the module that holds staging's cluster (--module)`,
    ],
    [
      "`terraform show -json` of a plan file",
      () =>
        parseTerraformState(
          JSON.stringify({
            format_version: "1.2",
            terraform_version: "1.5.7",
            planned_values: { root_module: {} },
            resource_changes: [],
            prior_state: { format_version: "1.0", values: { root_module: {} } },
          }),
          "plan.json",
        ),
      "plan.json: a Terraform plan, not a state (`terraform show -json` of a plan file): pass the state, e.g. `terraform state pull` or `terraform show -json` without a plan file",
    ],
    [
      "JSON that is not a state",
      () => parseTerraformState('{"hello":1}', "x.json"),
      "x.json: not a Terraform state (expected terraform.tfstate version 4 or `terraform show -json` output)",
    ],
    [
      "an old state format",
      () => parseTerraformState('{"version":3,"modules":[]}', "x.json"),
      "x.json: state format version 3 is not supported (version 4, written by Terraform 0.12 or newer, is)",
    ],
    [
      "text that is not JSON",
      () => parseTerraformState("terraform {", "x.tfstate"),
      /^x\.tfstate: not JSON \(/,
    ],
  ])("refuses %s with one line", (_case, run, message) => {
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });
});

describe("a stack with an imports file", () => {
  const plan = planAdoption(resources, "module.staging_cluster", staging, FIXTURE);
  const imports: StageImports = {
    file: "stacks/imports/staging.json",
    source: FIXTURE,
    imports: plan.imports.map(({ from, to, id }) => ({ from, to, id })),
  };

  it("emits one import block per adopted resource in that stage only, and nothing else changes", () => {
    const withImports = synthWithImports({ staging: imports });
    const without = synthWithImports({});
    expect(withImports.staging.import).toEqual(plan.imports.map(({ to, id }) => ({ to, id })));
    expect(withImports.production.import).toBeUndefined();
    expect(without.staging.import).toBeUndefined();
    const rest = { ...withImports.staging };
    delete rest.import;
    expect(rest).toEqual(without.staging);
  });

  it("refuses an address the stack does not have, naming the imports file", () => {
    const bad = { ...imports, imports: [{ to: "aws_ecs_cluster.main", id: "AppsStaging" }] };
    expect(() => synthWithImports({ staging: bad })).toThrow(
      "stacks/imports/staging.json: imports[0].to: aws_ecs_cluster.main is not a resource of the staging stack",
    );
  });

  it("predicts the first plan: the cluster imported (its tags updated), LC and ASG replaced (a rollout), the alarm updated, the rest created", () => {
    const { staging: synthesized } = synthWithImports({ staging: imports });
    const changes = firstPlanAfterAdoption(plan, synthesized);
    const byAddress = Object.fromEntries(changes.map((c) => [c.address, c]));
    // Imported and updated in place: the provider's default tags join its tags_all.
    expect(byAddress["aws_ecs_cluster.cluster"]).toEqual({
      address: "aws_ecs_cluster.cluster",
      action: "update",
      reasons: ["imported (id AppsStaging)", "tags_all takes provider.aws default_tags"],
      importId: "AppsStaging",
    });
    expect(byAddress["aws_launch_configuration.instances"].action).toBe("replace");
    expect(byAddress["aws_launch_configuration.instances"].reasons).toEqual(
      expect.arrayContaining([
        "imported (id AppsStaging-20250915143022117800000001)",
        "user_data changed",
      ]),
    );
    expect(byAddress["aws_autoscaling_group.instances"].action).toBe("replace");
    expect(byAddress["aws_autoscaling_group.instances"].reasons).toContain(
      "initial_lifecycle_hook changed",
    );
    expect(byAddress["aws_cloudwatch_metric_alarm.low_instance_alarm"].action).toBe("update");
    expect(byAddress["aws_cloudwatch_metric_alarm.low_instance_alarm"].reasons).toContain(
      "dimensions refers to replaced aws_autoscaling_group.instances",
    );
    const others = changes.filter((c) => !c.importId).map((c) => c.action);
    expect(new Set(others)).toEqual(new Set(["create", "read"]));
    expect(changes.some((c) => c.action === "delete")).toBe(false);
  });
});

describe("reading an imports file", () => {
  const write = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), "imports-")), "staging.json");
    writeFileSync(path, text);
    return path;
  };

  it("is no imports when the file does not exist", () => {
    expect(readStageImports("/nonexistent/imports/staging.json")).toBeUndefined();
  });

  test.each([
    ["not JSON", "{", /^(.*)staging\.json: not valid JSON \(/],
    [
      "an entry without an id",
      '{"source":"x","imports":[{"to":"aws_ecs_cluster.cluster"}]}',
      /staging\.json: imports\.0\.id: /,
    ],
    [
      "an address that is not one",
      '{"source":"x","imports":[{"to":"cluster","id":"A"}]}',
      /staging\.json: imports\.0\.to: must be a resource address$/,
    ],
    [
      "one address twice",
      '{"source":"x","imports":[{"to":"aws_ecs_cluster.cluster","id":"A"},{"to":"aws_ecs_cluster.cluster","id":"B"}]}',
      /staging\.json: aws_ecs_cluster\.cluster is imported twice$/,
    ],
  ])("refuses %s with one line naming the file", (_case, text, message) => {
    const path = write(text);
    expect(() => readStageImports(path)).toThrow(ConfigError);
    expect(() => readStageImports(path)).toThrow(message);
  });
});
