/**
 * Runs the real Terraform CLI on a synthesized stack against the stand-in AWS provider: a
 * temporary working directory holding the stack with a local backend instead of S3, a CLI
 * config whose `dev_overrides` start the stand-in as registry.terraform.io/hashicorp/aws, and
 * the stand-in's apply log.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import type { SynthesizedDocument } from "../../change-set/document";
import { readLog, type ApplyLogEntry } from "./stand-in-provider/managed-resources";
import { readVendoredSchema } from "./stand-in-provider/schema";
import { generateServerCertificate } from "./stand-in-provider/tls";

export const STAND_IN_DIR = path.join(__dirname, "stand-in-provider");
export const AWS_PROVIDER = "registry.terraform.io/hashicorp/aws";
/** The oldest Terraform the stacks accept: their `required_version`, for the S3 lock file. */
export const MINIMUM_TERRAFORM = [1, 10] as const;

/**
 * The Terraform on PATH as `[major, minor]`, or why it cannot be used: the tests skip with
 * that one line.
 */
export function terraformOnPath(): { version: string } | { missing: string } {
  const result = spawnSync("terraform", ["version", "-json"], {
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" },
  });
  if (result.error !== undefined || result.status !== 0) {
    return { missing: "no terraform on PATH" };
  }
  const version = (JSON.parse(result.stdout) as { terraform_version: string }).terraform_version;
  const [major, minor] = version.split(".").map(Number);
  const [wantMajor, wantMinor] = MINIMUM_TERRAFORM;
  if (major < wantMajor || (major === wantMajor && minor < wantMinor)) {
    return { missing: `terraform ${version} on PATH is older than ${MINIMUM_TERRAFORM.join(".")}` };
  }
  return { version };
}

/** Where Terraform finds an AWS provider: a CLI config naming a filesystem mirror. */
export interface ProviderInstallation {
  /** Holds the CLI config (and, for the stand-in, the bundle and the mirror). */
  readonly dir: string;
  readonly cliConfigFile: string;
  /** What Terraform must pass on to the provider (the stand-in's TLS certificate files). */
  readonly env: Readonly<Record<string, string>>;
}

/** The stand-in built once: an esbuild bundle, a filesystem mirror holding it, a CLI config. */
export type StandIn = ProviderInstallation;

export async function buildStandIn(
  into = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-aws-")),
): Promise<StandIn> {
  const dir = path.resolve(into);
  const version = readVendoredSchema(STAND_IN_DIR).provider_version;
  const packageDir = path.join(dir, "mirror", AWS_PROVIDER, version, platform());
  fs.mkdirSync(packageDir, { recursive: true });
  const bundle = path.join(dir, "provider.js");
  buildSync({
    entryPoints: [path.join(STAND_IN_DIR, "main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile: bundle,
    logLevel: "warning",
  });
  // Terraform runs the file named terraform-provider-aws_v<version> in the package directory.
  const executable = path.join(packageDir, `terraform-provider-aws_v${version}`);
  fs.writeFileSync(
    executable,
    `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(bundle)}\n`,
  );
  fs.chmodSync(executable, 0o755);
  const cliConfigFile = path.join(dir, "terraform.rc");
  writeMirrorConfig(cliConfigFile, path.join(dir, "mirror"));
  const certificate = await generateServerCertificate();
  const env = {
    STAND_IN_SERVER_CERT: path.join(dir, "server-cert.pem"),
    STAND_IN_SERVER_KEY: path.join(dir, "server-key.pem"),
  };
  fs.writeFileSync(env.STAND_IN_SERVER_CERT, certificate.certificatePem);
  fs.writeFileSync(env.STAND_IN_SERVER_KEY, certificate.privateKeyPem, { mode: 0o600 });
  return { dir, cliConfigFile, env };
}

/** A CLI config that installs hashicorp/aws from the filesystem mirror at `mirror` only. */
export function writeMirrorConfig(cliConfigFile: string, mirror: string): void {
  fs.writeFileSync(
    cliConfigFile,
    [
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = [${JSON.stringify(AWS_PROVIDER)}]`,
      "  }",
      "}",
      "",
    ].join("\n"),
  );
}

/** Terraform's name for this machine's platform, e.g. linux_amd64. */
export function platform(): string {
  const arch = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" }[process.arch as string];
  return `${process.platform}_${arch ?? process.arch}`;
}

export interface TerraformResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What `terraform show -json` says about one planned resource instance. */
export interface PlannedResourceChange {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly change: {
    readonly actions: readonly string[];
    readonly before: Record<string, unknown> | null;
    readonly after: Record<string, unknown> | null;
    /** Mirrors `after`: `true` where the value is known only after apply. */
    readonly after_unknown?: unknown;
    /** The paths of the attributes that force a replacement. */
    readonly replace_paths?: readonly (readonly (string | number)[])[];
    readonly importing?: { readonly id: string };
  };
  readonly action_reason?: string;
}

export interface PlanJson {
  readonly format_version?: string;
  readonly resource_changes?: readonly PlannedResourceChange[];
  readonly configuration?: {
    readonly provider_config?: unknown;
    readonly root_module?: {
      readonly resources?: readonly { readonly address: string; readonly [key: string]: unknown }[];
    };
  };
}

export interface StateResource {
  readonly address: string;
  readonly type: string;
  readonly mode: "managed" | "data";
  readonly values: Record<string, unknown>;
}

/** One stack in its own working directory, with its state kept between commands. */
export class TerraformWorkspace {
  readonly dir: string;
  readonly applyLog: string;

  constructor(
    private readonly standIn: ProviderInstallation,
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-workspace-")),
    /** Objects the stand-in can import, instead of its own import-fixture.json. */
    private readonly importFixtureFile?: string,
  ) {
    this.dir = path.resolve(dir);
    this.applyLog = path.join(this.dir, "apply-log.jsonl");
  }

  /** Writes the stack as `cdk.tf.json`, its S3 backend replaced by a local one. */
  writeStack(document: SynthesizedDocument): void {
    fs.writeFileSync(
      path.join(this.dir, "cdk.tf.json"),
      JSON.stringify(withLocalBackend(document), null, 2),
    );
  }

  /** Runs terraform here; independent workspaces can run at the same time. */
  run(...args: string[]): Promise<TerraformResult> {
    const child = spawn("terraform", args, {
      cwd: this.dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...this.standIn.env,
        TF_CLI_CONFIG_FILE: this.standIn.cliConfigFile,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        STAND_IN_PROVIDER_DIR: STAND_IN_DIR,
        STAND_IN_APPLY_LOG: this.applyLog,
        ...(this.importFixtureFile ? { STAND_IN_IMPORT_FIXTURE: this.importFixtureFile } : {}),
      },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (status) =>
        resolve({
          status: status ?? 1,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
        }),
      );
    });
  }

  /** Runs a command that must succeed; a failure throws with Terraform's own output. */
  async mustRun(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    if (result.status !== 0) {
      throw new Error(
        `terraform ${args.join(" ")} failed (${result.status}):\n${result.stderr}${result.stdout}`,
      );
    }
    return result.stdout;
  }

  async init(): Promise<void> {
    await this.mustRun("init", "-input=false", "-no-color");
  }

  /** `plan -out` then `show -json` of that plan file; `options` such as `-refresh=false`. */
  async plan(...options: string[]): Promise<PlanJson> {
    await this.mustRun("plan", "-input=false", "-no-color", "-out=tfplan", ...options);
    return JSON.parse(await this.mustRun("show", "-json", "tfplan")) as PlanJson;
  }

  /** Applies the last saved plan; returns the log entries this apply added. */
  async applyPlan(): Promise<ApplyLogEntry[]> {
    const before = readLog(this.applyLog).length;
    await this.mustRun("apply", "-input=false", "-no-color", "-auto-approve", "tfplan");
    return readLog(this.applyLog).slice(before);
  }

  /** The managed and data resources in the state. */
  async state(): Promise<StateResource[]> {
    const shown = JSON.parse(await this.mustRun("show", "-json")) as {
      values?: { root_module?: { resources?: StateResource[] } };
    };
    return shown.values?.root_module?.resources ?? [];
  }

  /** A new working directory with this one's configuration, state, providers and log. */
  clone(): TerraformWorkspace {
    const copy = new TerraformWorkspace(this.standIn);
    fs.cpSync(this.dir, copy.dir, { recursive: true, verbatimSymlinks: true });
    return copy;
  }
}

/** The stack as it would be planned, with state kept in the working directory. */
export function withLocalBackend(document: SynthesizedDocument): SynthesizedDocument {
  const terraform = { ...(document.terraform as Record<string, unknown> | undefined) };
  terraform.backend = { local: { path: "terraform.tfstate" } };
  return { ...document, terraform };
}

/** Actions by address, as `terraform show -json` reports them (no-ops and reads left out). */
export function plannedActions(plan: PlanJson): Record<string, string> {
  const entries = (plan.resource_changes ?? [])
    .filter((change) => change.mode === "managed")
    .map((change) => {
      const action = actionName(change.change.actions);
      // An import that changes nothing is still an import, as the prediction reports it.
      return [
        change.address,
        action === "no-op" && change.change.importing ? "import" : action,
      ] as const;
    })
    .filter(([, action]) => action !== "no-op");
  return Object.fromEntries(entries);
}

/** Terraform's action list as one word: `["create","delete"]` is a create-before-destroy replace. */
export function actionName(actions: readonly string[]): string {
  const joined = actions.join(",");
  if (joined === "create,delete" || joined === "delete,create") return "replace";
  return joined;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
