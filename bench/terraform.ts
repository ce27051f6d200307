/**
 * What the Terraform-in-the-loop tests pay per step: the stand-in provider's start (fresh
 * process to go-plugin handshake line, with mutual TLS as Terraform asks for it; and its peak
 * RSS), and `terraform validate`, `plan` (+ `show -json`) and `apply` of the staging stack from
 * an empty state, each a median/min/max over N runs.
 *
 *   npm run bench:terraform [-- --runs 5]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  STAND_IN_DIR,
  TerraformWorkspace,
  buildStandIn,
  terraformOnPath,
} from "../simulation/terraform/harness";
import { synthesize } from "../simulation/terraform/scenarios";
import { generateServerCertificate } from "../simulation/terraform/stand-in-provider/tls";

const MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(
    `bench:terraform: --runs must be a whole number of at least 1, got "${values.runs}"`,
  );
  process.exit(2);
}
const terraform = terraformOnPath();
if ("missing" in terraform) {
  console.error(`bench:terraform: ${terraform.missing}`);
  process.exit(1);
}
const terraformVersion = terraform.version;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const row = (label: string, xs: number[], unit: string, digits: number) =>
  `${label.padEnd(28)} median ${median(xs).toFixed(digits)} ${unit}   min ${Math.min(...xs).toFixed(digits)}   max ${Math.max(...xs).toFixed(digits)}`;

async function seconds(step: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await step();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Starts the bundled stand-in as Terraform does and waits for its handshake line; its peak RSS
 * so far is read from /proc (VmHWM) before it is stopped.
 */
function providerStart(bundle: string, clientCertificate: string, env: Record<string, string>) {
  return new Promise<{ seconds: number; peakMiB: number }>((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [bundle], {
      env: {
        ...process.env,
        ...env,
        TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE,
        PLUGIN_CLIENT_CERT: clientCertificate,
        STAND_IN_PROVIDER_DIR: STAND_IN_DIR,
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.on("error", fail);
    child.stdout.once("data", () => {
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      child.kill("SIGKILL");
      done({ seconds: elapsed, peakMiB: peakKiB / 1024 });
    });
  });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "bench-terraform-"));
  try {
    const standIn = await buildStandIn(join(work, "stand-in"));
    const bundle = join(standIn.dir, "provider.js");
    const client = (await generateServerCertificate()).certificatePem;
    const starts = { harness: [] as number[], own: [] as number[], rss: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const harness = await providerStart(bundle, client, standIn.env);
      // Without the harness's certificate files it makes its own, as outside the tests.
      const own = await providerStart(bundle, client, {});
      starts.harness.push(harness.seconds);
      starts.own.push(own.seconds);
      starts.rss.push(harness.peakMiB);
    }
    const stack = synthesize().staging;
    const times = { validate: [] as number[], plan: [] as number[], apply: [] as number[] };
    for (let i = 0; i < runs; i++) {
      const workspace = new TerraformWorkspace(standIn, mkdtempSync(join(work, "ws-")));
      workspace.writeStack(stack);
      await workspace.init();
      times.validate.push(await seconds(() => workspace.mustRun("validate", "-no-color")));
      times.plan.push(await seconds(() => workspace.plan()));
      times.apply.push(await seconds(() => workspace.applyPlan()));
    }
    console.log(
      `terraform ${terraformVersion}, stand-in AWS provider, staging stack   (${runs} runs)`,
    );
    console.log(row("stand-in start to handshake", starts.harness, "s  ", 3));
    console.log(row("  making its own cert", starts.own, "s  ", 3));
    console.log(row("  RSS at handshake", starts.rss, "MiB", 0));
    console.log(row("validate", times.validate, "s  ", 3));
    console.log(row("plan -out + show -json", times.plan, "s  ", 3));
    console.log(row("apply (from empty)", times.apply, "s  ", 3));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
