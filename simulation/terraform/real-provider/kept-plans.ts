/**
 * Offline plans kept between runs. The real provider is configured offline (convert.ts: static
 * credentials, no STS, no instance metadata) and every plan here is `-refresh=false`, so what
 * Terraform prints for `plan` + `show -json`, for `graph -plan=` of that plan and for
 * `providers schema -json` depends on nothing but the working directory's configuration and
 * state, the Terraform binary and the provider binary. Each such output is kept under a key made
 * of exactly those: a run that has seen the same inputs reads the output instead of starting
 * Terraform and the 700 MB provider again (some 3 s of schema loading per command, before any
 * planning). A changed construct, stage, conversion or state changes the key: that plan runs.
 *
 * `REAL_PROVIDER_CACHE` names the folder (default: one in the system's temporary folder, so a
 * fresh clone on the same machine, CI's, finds what its last run kept); `off` runs every command.
 * The folder keeps its newest MAX_KEPT_BYTES; older entries go first.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { TerraformWorkspace, terraformOnPath, platform, AWS_PROVIDER } from "../harness";
import type { RealProvider } from "./mirror";

export const CACHE_ENV = "REAL_PROVIDER_CACHE";

/** Bumped when what an entry holds, or how its key is made, changes. */
const FORMAT = 1;

/** The folder's size kept after each write (a combined plan of every scenario is ~1 MB gzipped). */
export const MAX_KEPT_BYTES = 256 * 1024 * 1024;

/** The folder of kept outputs, or undefined when keeping is off. */
export function keptPlansFolder(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[CACHE_ENV];
  if (named === "off") return undefined;
  return named ?? path.join(os.tmpdir(), "apps-cluster-real-provider-plans");
}

/**
 * Terraform and the provider as they plan: the Terraform version, and the provider's version,
 * size and modification time in the mirror (a binary replaced in place is another provider).
 */
export function toolchainIdentity(provider: RealProvider): string {
  const terraform = terraformOnPath();
  const binaries = path.join(provider.mirror, AWS_PROVIDER, provider.version, platform());
  const binary = fs
    .readdirSync(binaries)
    .filter((name) => name.startsWith("terraform-provider-aws_v"))
    .map((name) => fs.statSync(path.join(binaries, name)))
    .map((stat) => `${stat.size}:${stat.mtimeMs}`);
  return JSON.stringify({ format: FORMAT, terraform, provider: provider.version, binary });
}

/**
 * A Terraform working directory whose offline plans, apply graphs and provider schemas are read
 * from the folder when kept, and run (then kept) when not. `init` runs only when a command
 * really has to; every other command runs as in TerraformWorkspace.
 */
export class KeptPlansWorkspace extends TerraformWorkspace {
  private initWanted = false;
  private initDone = false;
  /** The inputs of the plan file now in the directory (`tfplan`), if one was really made. */
  private planFileOf: string | undefined;
  /** The inputs and options of the last plan asked for, kept or made. */
  private lastPlan: { inputs: string; options: readonly string[] } | undefined;

  private readonly identity: string;
  private readonly folder: string | undefined;

  /** `kept` for tests: the toolchain's identity and the folder (undefined: keeping off). */
  constructor(provider: RealProvider, kept?: { identity: string; folder: string | undefined }) {
    super(provider);
    this.identity = kept?.identity ?? toolchainIdentity(provider);
    this.folder = kept === undefined ? keptPlansFolder() : kept.folder;
  }

  override async init(): Promise<void> {
    this.initWanted = true;
  }

  override async run(...args: string[]) {
    if (this.initWanted && !this.initDone && args[0] !== "init") {
      this.initDone = true;
      await super.mustRun("init", "-input=false", "-no-color");
    }
    return super.run(...args);
  }

  /** `plan -out=tfplan <options>` and `show -json tfplan`, kept as one output. */
  override async plan(...options: string[]) {
    const inputs = this.inputs();
    this.lastPlan = { inputs, options };
    const shown = await this.kept(["plan", ...options], inputs, async () => {
      await this.makePlanFile(inputs, options);
      return super.mustRun("show", "-json", "tfplan");
    });
    return JSON.parse(shown);
  }

  /**
   * `providers schema -json` and `graph -type=apply -plan=tfplan` (of the last plan) are kept;
   * every other command runs.
   */
  override async mustRun(...args: string[]): Promise<string> {
    const command = args.join(" ");
    if (command === "providers schema -json") return this.providerSchemas();
    if (command === "graph -type=apply -plan=tfplan") return this.applyGraph();
    return super.mustRun(...args);
  }

  private async applyGraph(): Promise<string> {
    const last = this.lastPlan;
    if (last === undefined) throw new Error("applyGraph: no plan was made in this workspace");
    return this.kept(["graph-apply", ...last.options], last.inputs, async () => {
      if (this.planFileOf !== last.inputs) await this.makePlanFile(last.inputs, last.options);
      return super.mustRun("graph", "-type=apply", "-plan=tfplan");
    });
  }

  /** The provider schemas depend on the providers, not on the stack. */
  private async providerSchemas(): Promise<string> {
    return this.kept(["providers", "schema", "-json"], "", () =>
      super.mustRun("providers", "schema", "-json"),
    );
  }

  private async makePlanFile(inputs: string, options: readonly string[]): Promise<void> {
    await super.mustRun("plan", "-input=false", "-no-color", "-out=tfplan", ...options);
    this.planFileOf = inputs;
  }

  /** A hash of the configuration and the state as they are in the directory now. */
  private inputs(): string {
    const hash = createHash("sha256");
    for (const file of ["cdk.tf.json", "terraform.tfstate"]) {
      const at = path.join(this.dir, file);
      hash.update(`${file}\0`).update(fs.existsSync(at) ? fs.readFileSync(at) : "(none)");
    }
    return hash.digest("hex");
  }

  private async kept(
    command: readonly string[],
    inputs: string,
    produce: () => Promise<string>,
  ): Promise<string> {
    if (this.folder === undefined) return produce();
    const key = createHash("sha256")
      .update(JSON.stringify([this.identity, command, inputs]))
      .digest("hex");
    const file = path.join(this.folder, `${key}.gz`);
    try {
      const output = gunzipSync(fs.readFileSync(file)).toString("utf8");
      const now = new Date();
      fs.utimesSync(file, now, now);
      return output;
    } catch {
      // Not kept (or unreadable): made below.
    }
    const output = await produce();
    fs.mkdirSync(this.folder, { recursive: true });
    // Written whole and renamed: a reader never sees half an entry.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, gzipSync(output));
    fs.renameSync(partial, file);
    trimFolder(this.folder, MAX_KEPT_BYTES);
    return output;
  }
}

/** Deletes the least recently used entries until the folder holds at most `maxBytes`. */
export function trimFolder(folder: string, maxBytes: number): void {
  const entries = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith(".gz"))
    .flatMap((name) => {
      try {
        const stat = fs.statSync(path.join(folder, name));
        return [{ name, size: stat.size, used: stat.mtimeMs }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.used - a.used);
  let total = 0;
  for (const entry of entries) {
    total += entry.size;
    if (total > maxBytes) fs.rmSync(path.join(folder, entry.name), { force: true });
  }
}
