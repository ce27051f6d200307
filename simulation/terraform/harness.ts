/**
 * Runs the real Terraform CLI on a synthesized stack: a temporary working directory holding the
 * stack with a local backend instead of S3, and a CLI config that installs the AWS provider from
 * a filesystem mirror (the real provider's, `real-provider/mirror.ts`).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SynthesizedDocument } from "../../change-set/document";

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
  /** Holds the CLI config. */
  readonly dir: string;
  readonly cliConfigFile: string;
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

/** One stack in its own working directory, with its state kept between commands. */
export class TerraformWorkspace {
  readonly dir: string;
  /** Added to each command's environment (a provider server's `TF_REATTACH_PROVIDERS`). */
  readonly environment: Record<string, string> = {};

  constructor(
    private readonly provider: ProviderInstallation,
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tf-workspace-")),
  ) {
    this.dir = path.resolve(dir);
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
    return this.spawnTerraform(args);
  }

  /** The one place a terraform process starts. */
  protected spawnTerraform(args: readonly string[]): Promise<TerraformResult> {
    const child = spawn("terraform", args, {
      cwd: this.dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        ...this.environment,
        TF_CLI_CONFIG_FILE: this.provider.cliConfigFile,
        CHECKPOINT_DISABLE: "1",
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
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
