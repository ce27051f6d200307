/**
 * Many change scenarios planned by the real AWS provider in one configuration: the distinct
 * `before` documents, each renamed with its own prefix, are merged and brought to a no-op prior
 * state once (several plans, see prior-state.ts); every scenario's `after` is then renamed with
 * the scenario's own prefix and all are planned at once, on a state that holds a copy of each
 * scenario's `before` objects. Each distinct provider block (region, default tags) is a provider
 * configuration of its own (an alias), so a scenario's resources plan exactly as they would
 * alone: with their own provider settings, prior state and data sources. What the machine has
 * planned before from the same inputs is read back (kept-plans.ts).
 */
import * as fs from "node:fs";
import type { BlockConfig, SynthesizedDocument } from "../../../change-set/document";
import { renamed } from "../combined-config";
import type { TerraformPlan } from "../../../ops/change-guard/plan-changes";
import type { PlanJson, PlannedResourceChange } from "../harness";
import { applyOrder, type ApplyOrder } from "./apply-graph";
import { forRealProvider } from "./convert";
import type { RealProvider } from "./mirror";
import { KeptPlansWorkspace } from "./kept-plans";
import { aliasOf, noOpState, resourceSchemas, writeState, type StateResource } from "./prior-state";

export interface PlanScenario {
  readonly name: string;
  /** The stack (or part of one) as it is applied: the prior state plans it as no-op. */
  readonly before: SynthesizedDocument;
  readonly after: SynthesizedDocument;
}

/**
 * The real plan of one scenario, as if planned alone: its resource changes and the
 * configuration's resources (with their expressions' references), the scenario's prefix removed.
 */
export interface JudgedScenario {
  readonly changes: readonly PlannedResourceChange[];
  /** `terraform show -json`'s shape, so the change guard can read it as a plan. */
  readonly plan: TerraformPlan;
  /** The order Terraform's apply graph imposes on the changes. */
  readonly order: ApplyOrder;
}

/** How long each step took, in seconds (for the benchmark). */
export interface JudgeTimings {
  init: number;
  baseState: number;
  plan: number;
}

/** Plans every scenario with the real provider; results in the order of `scenarios`. */
export async function judge(
  provider: RealProvider,
  scenarios: readonly PlanScenario[],
  timings: Partial<JudgeTimings> = {},
): Promise<JudgedScenario[]> {
  const befores = new Map<string, { prefix: string; document: SynthesizedDocument }>();
  const groupOf = scenarios.map((scenario) => {
    const key = JSON.stringify(scenario.before);
    if (!befores.has(key)) {
      befores.set(key, { prefix: `b${befores.size}`, document: scenario.before });
    }
    return befores.get(key) as { prefix: string };
  });
  // Plans, graphs and schemas this machine has made from the same inputs are read back.
  const workspace = new KeptPlansWorkspace(provider);
  try {
    const convert = (document: SynthesizedDocument) =>
      forRealProvider(document, { providerVersion: provider.version });
    const baseConfig = combined(
      [...befores.values()].map(({ prefix, document }) => ({
        prefix,
        document: convert(document),
      })),
      provider.version,
    );
    workspace.writeStack(baseConfig);
    timings.init = await seconds(() => workspace.init());
    const schemas = await resourceSchemas(workspace);
    let base = new Map<string, StateResource>();
    timings.baseState = await seconds(async () => {
      base = await noOpState(workspace, baseConfig, schemas);
    });

    const parts = scenarios.map((scenario, index) => ({
      prefix: `s${index}`,
      document: convert(scenario.after),
    }));
    const afterConfig = combined(parts, provider.version);
    const state = new Map<string, StateResource>();
    scenarios.forEach((_, index) => {
      for (const resource of base.values()) {
        const from = `${groupOf[index].prefix}_`;
        if (!resource.name.startsWith(from)) continue;
        const name = `s${index}_${resource.name.slice(from.length)}`;
        // A resource the scenario removes keeps its old provider configuration's alias.
        const address = `${resource.type}.${name}`;
        const alias = aliasOf(afterConfig, address) ?? resource.alias;
        const dependencies = resource.dependencies.map((d) => d.replace(`.${from}`, `.s${index}_`));
        state.set(address, {
          ...resource,
          name,
          dependencies,
          ...(alias === undefined ? {} : { alias }),
        });
      }
    });
    workspace.writeStack(afterConfig);
    writeState(workspace.dir, state, schemas);
    let plan: PlanJson = {};
    let graph = "";
    timings.plan = await seconds(async () => {
      plan = await workspace.plan("-refresh=false");
      graph = await workspace.mustRun("graph", "-type=apply", "-plan=tfplan");
    });
    return scenarios.map((_, index) => ofScenario(plan, graph, `s${index}_`));
  } finally {
    fs.rmSync(workspace.dir, { recursive: true, force: true });
  }
}

/**
 * One configuration of several converted documents, each renamed `<prefix>_<name>`. Documents
 * with the same provider configuration share it (an alias each: Terraform starts one provider
 * process per configuration, and the real provider is a 700 MB binary).
 */
export function combined(
  parts: readonly { prefix: string; document: SynthesizedDocument }[],
  providerVersion: string,
): SynthesizedDocument {
  const resource: Record<string, Record<string, BlockConfig>> = {};
  const data: Record<string, Record<string, BlockConfig>> = {};
  const aliases = new Map<string, string>();
  for (const { prefix, document } of parts) {
    const alias = aliasFor(aliases, document);
    const blocks = renamed(document, `${prefix}_`);
    for (const [section, into] of [
      ["resource", resource],
      ["data", data],
    ] as const) {
      for (const [type, byName] of Object.entries(blocks[section] ?? {})) {
        for (const [name, config] of Object.entries(byName)) {
          // terraform_data belongs to Terraform's built-in provider.
          const own: BlockConfig = type.startsWith("aws_") ? { provider: `aws.${alias}` } : {};
          into[type] = { ...into[type], [name]: { ...config, ...own } };
        }
      }
    }
  }
  return {
    terraform: {
      required_providers: { aws: { source: "hashicorp/aws", version: providerVersion } },
      backend: { local: { path: "terraform.tfstate" } },
    },
    provider: {
      aws: [...aliases].map(([config, alias]) => ({
        ...(JSON.parse(config) as BlockConfig),
        alias,
      })),
    },
    resource,
    ...(Object.keys(data).length > 0 ? { data } : {}),
  };
}

/** The alias of the document's provider configuration, added to `aliases` when new. */
function aliasFor(aliases: Map<string, string>, document: SynthesizedDocument): string {
  const configs = (document.provider as { aws?: BlockConfig[] } | undefined)?.aws ?? [];
  if (configs.length > 1)
    throw new Error("a scenario with more than one AWS provider configuration");
  const key = JSON.stringify({ region: "us-east-1", ...configs[0] });
  if (!aliases.has(key)) aliases.set(key, `p${aliases.size}`);
  return aliases.get(key) as string;
}

/** One scenario's part of the combined plan, its names without the scenario's prefix. */
function ofScenario(plan: PlanJson, graph: string, prefix: string): JudgedScenario {
  const mine = (address: string) =>
    address
      .split(".")
      .at(address.startsWith("data.") ? 2 : 1)
      ?.startsWith(prefix) === true;
  // References name blocks as `type.<prefix>name`: removing `.<prefix>` after a type restores them.
  const unprefixed = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll(`.${prefix}`, ".")) as T;
  const changes = (plan.resource_changes ?? []).filter((change) => mine(change.address));
  const resources = (plan.configuration?.root_module?.resources ?? []).filter((resource) =>
    mine(resource.address),
  );
  const order = applyOrder(graph, (node) => node.split(".")[1]?.startsWith(prefix) === true);
  return {
    changes: unprefixed(changes),
    order: new Map(
      [...order].map(([change, before]) => [
        unprefixed(change),
        new Set([...before].map(unprefixed)),
      ]),
    ),
    plan: unprefixed({
      format_version: plan.format_version ?? "1.2",
      resource_changes: changes,
      configuration: { root_module: { resources } },
    }) as unknown as TerraformPlan,
  };
}

async function seconds(step: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await step();
  return Number(process.hrtime.bigint() - started) / 1e9;
}
