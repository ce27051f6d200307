/**
 * The real provider started once for a series of Terraform commands, instead of by each command.
 *
 * Terraform starts a provider's plugin process for each command and asks it for its schema; for
 * hashicorp/aws 5.100.0 that is ~2.5 CPU-seconds a command before any work, and an apply starts
 * it more than once. The provider's debug mode (`-debug`, terraform-plugin-go's managed debug
 * server) serves until stopped and prints the `TF_REATTACH_PROVIDERS` value with which Terraform
 * uses that process instead of starting one (Terraform's documented way to run a provider under
 * a debugger). Same binary, same gRPC calls; only who starts the process differs. Measured on a
 * two-resource plan: 4.6 s and 5.8 CPU-s with Terraform starting the provider, 2.3 s and ~3.3
 * CPU-s attached.
 *
 * One server serves one workspace's commands one after the other (each configures it again),
 * started in that workspace's folder.
 * It starts without `AWS_CA_BUNDLE`: the provider adds that bundle to its HTTP client when it is
 * configured, and a second configuration in one process fails on the client the first one
 * wrapped ("unable to add custom RootCAs HTTPClient"); the simulated AWS is plain HTTP on
 * loopback, which no CA bundle concerns.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_PROVIDER, platform } from "../harness";

/** How long the provider may take to print its address (seconds on a loaded machine). */
const START_TIMEOUT_MS = 60_000;

export interface ProviderServer {
  /** The environment that makes Terraform use this process: `TF_REATTACH_PROVIDERS`. */
  readonly environment: Readonly<Record<string, string>>;
  /** Stops the process (Terraform never stops a provider it did not start). */
  stop(): void;
}

/** The provider binary of a mirror's version for this platform. */
export function providerBinary(found: { version: string; mirror: string }): string {
  const dir = path.join(found.mirror, AWS_PROVIDER, found.version, platform());
  const name = fs.readdirSync(dir).find((file) => file.startsWith("terraform-provider-aws_v"));
  if (name === undefined) throw new Error(`no terraform-provider-aws binary in ${dir}`);
  return path.join(dir, name);
}

/** The `TF_REATTACH_PROVIDERS` value in the debug server's output, once it has printed it. */
export function reattachValue(output: string): string | undefined {
  return /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(output)?.[1];
}

/**
 * Starts the provider in `workingDir`, the folder Terraform runs in: the provider opens files
 * the configuration names relative to it (the Lambda zip's `filename`), as it would when
 * Terraform starts it there. `environment` is added to its own (the process's, which Terraform
 * would have passed on), e.g. the `AWS_ENDPOINT_URL` its AWS calls go to.
 */
export function startProviderServer(
  binary: string,
  workingDir: string,
  environment: Readonly<Record<string, string>> = {},
): Promise<ProviderServer> {
  const env = { ...process.env, ...environment };
  delete env.AWS_CA_BUNDLE;
  const child = spawn(binary, ["-debug"], {
    cwd: workingDir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill();
      reject(new Error(`the provider's debug server ${why}:\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`printed no address in ${START_TIMEOUT_MS / 1000} s`),
      START_TIMEOUT_MS,
    );
    child.on("error", (error) => fail(`did not start (${error.message})`));
    // After its output has been read, so that the reason is in it.
    child.on("close", (code) => fail(`exited (${code})`));
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const value = reattachValue(output);
      if (value === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("close");
      child.stdout.removeAllListeners("data");
      child.stderr.removeAllListeners("data");
      // Its log goes on being written; nobody reads it.
      child.stdout.resume();
      child.stderr.resume();
      resolve({
        environment: { TF_REATTACH_PROVIDERS: value },
        stop: () => {
          child.kill();
        },
      });
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
  });
}
