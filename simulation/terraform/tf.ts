/**
 * `npm run tf -- <stage> <validate|plan|apply>`: the real Terraform CLI on the synthesized stack
 * of one stage (cdktf.out, written by the `npm run synth` the script runs first), against the
 * stand-in AWS provider, with a local state in build/terraform-stand-in/<stage> that persists
 * between runs (so `plan` after `apply` shows what a config change would do).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readSynthesizedStack } from "../../change-set/document";
import { readStages, rolloutOrder } from "../../config/stages";
import { TerraformWorkspace, buildStandIn, terraformOnPath } from "./harness";
import { readLog } from "./stand-in-provider/managed-resources";

const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  validate: ["validate", "-no-color"],
  plan: ["plan", "-input=false", "-no-color"],
  apply: ["apply", "-input=false", "-no-color", "-auto-approve"],
};
const ROOT = path.join("build", "terraform-stand-in");

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const stageNames = rolloutOrder(readStages(process.env.STAGES_FILE ?? "stacks/stages.json"));
  const usage = `usage: npm run tf -- <${stageNames.join("|")}> <${Object.keys(COMMANDS).join("|")}>`;
  const [stage, command, ...rest] = argv;
  if (stage === undefined || command === undefined || rest.length > 0) throw new UsageError(usage);
  if (!stageNames.includes(stage)) {
    throw new UsageError(`unknown stage "${stage}" (${usage.slice("usage: ".length)})`);
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    throw new UsageError(`unknown command "${command}" (${usage.slice("usage: ".length)})`);
  }
  const terraform = terraformOnPath();
  if ("missing" in terraform) throw new UsageError(terraform.missing);
  let document;
  try {
    document = readSynthesizedStack("cdktf.out", stage);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const dir = path.join(ROOT, stage);
  fs.mkdirSync(dir, { recursive: true });
  const workspace = new TerraformWorkspace(await buildStandIn(path.join(ROOT, "provider")), dir);
  workspace.writeStack(document);
  const logged = readLog(workspace.applyLog).length;
  for (const args of [["init", "-input=false", "-no-color"], COMMANDS[command]]) {
    const result = await workspace.run(...args);
    process.stdout.write(args[0] === "init" && result.status === 0 ? "" : result.stdout);
    process.stderr.write(result.stderr);
    if (result.status !== 0) return result.status;
  }
  if (command === "apply") {
    console.log("stand-in provider calls, in order:");
    for (const entry of readLog(workspace.applyLog).slice(logged)) {
      console.log(`  ${entry.action} ${entry.type} ${entry.id}`);
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  },
);
