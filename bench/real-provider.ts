/**
 * What planning with the real AWS provider (the machine's filesystem mirror) costs, each a
 * median and spread over N runs: `terraform init` of one stack, its no-op base state (plans
 * until nothing changes), one plan of an AMI change of it, and the combined plan of every
 * agreement scenario (the agreement test's base state and plan) as a new machine makes them,
 * then the whole agreement again, reading back the plans it kept (kept-plans.ts).
 *
 *   npm run bench:real-provider [-- --runs 3]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchFlags } from "./flags";
import { TerraformWorkspace, terraformOnPath } from "../simulation/terraform/harness";
import {
  changeSetCases,
  fieldCases,
  rolloutCases,
  templateCases,
} from "../simulation/terraform/real-provider/cases";
import { forRealProvider } from "../simulation/terraform/real-provider/convert";
import { judge, type JudgeTimings } from "../simulation/terraform/real-provider/judge";
import {
  findRealProvider,
  installRealProvider,
} from "../simulation/terraform/real-provider/mirror";
import { noOpState, resourceSchemas } from "../simulation/terraform/real-provider/prior-state";
import { synthesize } from "../simulation/terraform/scenarios";
import { readVendoredSchema } from "../simulation/terraform/provider-schema/schema";
import { NEW_AMI } from "../simulation/amis";

const { runs } = benchFlags("real-provider", { runs: 3 });
const terraform = terraformOnPath();
const found = findRealProvider();
if ("missing" in terraform || "missing" in found) {
  console.error(
    `bench:real-provider: ${"missing" in terraform ? terraform.missing : (found as { missing: string }).missing}`,
  );
  process.exit(1);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const row = (label: string, xs: number[]) =>
  `${label.padEnd(34)} median ${median(xs).toFixed(1)} s   min ${Math.min(...xs).toFixed(1)}   max ${Math.max(...xs).toFixed(1)}`;

async function seconds(step: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await step();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function main(): Promise<void> {
  const provider = installRealProvider(found as { version: string; mirror: string });
  const work = mkdtempSync(join(tmpdir(), "bench-real-provider-"));
  const version = { providerVersion: provider.version };
  const stack = forRealProvider(synthesize().staging, version);
  const amiChange = forRealProvider(
    synthesize({ stage: "staging", settings: { amiId: NEW_AMI } }).staging,
    version,
  );
  const cases = [
    ...changeSetCases(readVendoredSchema()),
    ...fieldCases(),
    ...templateCases(),
    ...rolloutCases(),
  ];
  const times = { init: [] as number[], state: [] as number[], plan: [] as number[] };
  const combined = { state: [] as number[], plan: [] as number[], kept: [] as number[] };
  try {
    for (let i = 0; i < runs; i++) {
      const workspace = new TerraformWorkspace(provider, mkdtempSync(join(work, "ws-")));
      workspace.writeStack(stack);
      times.init.push(await seconds(() => workspace.init()));
      const schemas = await resourceSchemas(workspace);
      times.state.push(await seconds(() => noOpState(workspace, stack, schemas)));
      workspace.writeStack(amiChange);
      times.plan.push(await seconds(() => workspace.plan("-refresh=false")));
      // The agreement as a new machine runs it (nothing kept), then again with what it kept.
      process.env.REAL_PROVIDER_CACHE = mkdtempSync(join(work, "kept-"));
      const timings: Partial<JudgeTimings> = {};
      await judge(provider, cases, timings);
      combined.state.push(timings.baseState ?? Number.NaN);
      combined.plan.push(timings.plan ?? Number.NaN);
      combined.kept.push(await seconds(() => judge(provider, cases)));
    }
    console.log(
      `terraform ${(terraform as { version: string }).version}, real hashicorp/aws ${provider.version} (${provider.mirror}), staging stack, ${cases.length} agreement scenarios   (${runs} runs)`,
    );
    console.log(row("init", times.init));
    console.log(row("base state (plans to no-op)", times.state));
    console.log(row("one plan (AMI change)", times.plan));
    console.log(row("agreement: base state", combined.state));
    console.log(row("agreement: combined plan", combined.plan));
    console.log(row("agreement: again, plans kept", combined.kept));
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(provider.dir, { recursive: true, force: true });
  }
}

void main();
