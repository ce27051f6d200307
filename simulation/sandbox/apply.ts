/**
 * `npm run sandbox:apply -- <stage>`, in the practice checkout: what `npm run deploy -- <stage>`
 * is against the real account. It synthesizes the stage from the stages file (STAGES_FILE, else
 * stacks/stages.json), converts it for the mirror's provider with the sandbox's endpoint and
 * rate, and runs `terraform apply` in the stage's workspace of the running sandbox (its state),
 * with Terraform's own output. Refuses, in one line, when no sandbox runs for that stages file or
 * when the environment points anywhere but the sandbox.
 */
import { spawn } from "node:child_process";
import { Command } from "commander";
import { EXIT_USAGE, parseCommandLine } from "./parse-command-line";
import { ConfigError } from "../../config/config-error";
import { readStages } from "../../config/stages";
import { isLoopback, pointsPastLoopback } from "./loopback-only";
import { findSandboxState } from "./sandbox-state";

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("sandbox:apply")
    .description("Apply a stage's stack to the running sandbox (the sandbox's npm run deploy).")
    .argument("<stage>", "the stage to apply")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const stopped = parseCommandLine(program, argv);
  if (stopped !== undefined) return stopped;
  const [stage] = program.args;
  const stagesFile = process.env.STAGES_FILE ?? "stacks/stages.json";
  const refuse = (line: string) => {
    process.stderr.write(`error: ${line}\n`);
    return EXIT_USAGE;
  };
  const sandbox = findSandboxState(stagesFile);
  if ("missing" in sandbox) return refuse(sandbox.missing);
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const pastLoopback = pointsPastLoopback(process.env);
  if (pastLoopback !== undefined) return refuse(pastLoopback);
  if (endpoint === undefined || !isLoopback(endpoint) || endpoint !== sandbox.url)
    return refuse(
      `AWS_ENDPOINT_URL is ${endpoint ?? "not set"}, not the sandbox's ${sandbox.url}: run the export lines the sandbox printed`,
    );
  let stages;
  try {
    stages = readStages(stagesFile);
  } catch (error) {
    if (error instanceof ConfigError) return refuse(error.message);
    throw error;
  }
  const workspaceDir = sandbox.workspaces[stage];
  if (!Object.hasOwn(stages, stage) || workspaceDir === undefined)
    return refuse(
      `no stage "${stage}" in ${stagesFile} (stages: ${Object.keys(stages).join(", ")})`,
    );
  // Loaded once the checks pass: synth and Terraform's harness are most of the start-up.
  const { TerraformWorkspace } = await import("../terraform/harness");
  const { writeStageStack } = await import("./stage-stack");
  const workspace = new TerraformWorkspace(
    { dir: workspaceDir, cliConfigFile: sandbox.cliConfigFile },
    workspaceDir,
  );
  writeStageStack(workspace, stagesFile, stage, sandbox);
  // Terraform's own output, live: the plan, then each resource as it is created and destroyed.
  const color = process.stdout.isTTY ? [] : ["-no-color"];
  const child = spawn("terraform", ["apply", "-auto-approve", "-input=false", ...color], {
    cwd: workspaceDir,
    stdio: "inherit",
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: sandbox.cliConfigFile,
      CHECKPOINT_DISABLE: "1",
    },
  });
  // Ctrl-C reaches Terraform from the terminal; it stops cleanly and this exits with its status.
  process.on("SIGINT", () => undefined);
  return new Promise((resolve) => child.on("close", (status) => resolve(status ?? 1)));
}

main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
