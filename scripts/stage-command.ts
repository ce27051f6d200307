/**
 * `npm run diff|deploy -- <stage>`: checks what those commands would otherwise fail on after 5
 * to 35 lines of cdktf and Terraform output (a stage that does not exist, the stages file,
 * placeholders left in the stage and AWS credentials) and says it in one line, exit 2. The live
 * account is `check`'s (npm run cluster -- check <stage>), which reads it. When the checks
 * pass, it runs `CHECKPOINT_DISABLE=1 cdktf <diff|deploy> <args>` (set by the npm script),
 * whose output is unchanged.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { join } from "node:path";
import { checkAwsSetup } from "../cli/aws";
import { closestName } from "../config/closest-name";
import { ConfigError } from "../config/config-error";
import { loadStages, rolloutOrder, type StageName, type Stages } from "../config/stages";
import { placeholdersLeft } from "../ops/preflight/placeholders-left";

const KINDS = ["diff", "deploy"] as const;
type Kind = (typeof KINDS)[number];

function usage(kind: Kind, stageNames: readonly StageName[]): string {
  return `npm run ${kind} -- <${stageNames.join("|")}>`;
}

/**
 * The stages named in `args`: cdktf's stack arguments (what is not an option). A word right
 * after an option may be that option's value (`--var-file x`), so only one elsewhere is taken
 * for a mistyped stage.
 */
function namedStages(
  kind: Kind,
  args: readonly string[],
  stageNames: readonly StageName[],
): StageName[] {
  const isStage = (arg: string) => stageNames.includes(arg);
  const words = args.filter(
    (arg, i) => !arg.startsWith("-") && (isStage(arg) || !isOptionValue(args, i)),
  );
  if (words.length === 0) throw new ConfigError(`name a stage: ${usage(kind, stageNames)}`);
  return words.map((word) => {
    if (isStage(word)) return word;
    const guess = closestName(word, stageNames);
    const hint = guess === undefined ? "" : `did you mean ${guess}? `;
    throw new ConfigError(`unknown stage "${word}" (${hint}${usage(kind, stageNames)})`);
  });
}

function isOptionValue(args: readonly string[], index: number): boolean {
  const before = args[index - 1];
  return before !== undefined && before.startsWith("-") && !before.includes("=");
}

/** Throws a ConfigError when the SDK's default chain finds no credentials for `stage`. */
async function checkCredentials(stages: Stages, stage: StageName): Promise<void> {
  await checkAwsSetup(stages[stage].region, process.env);
  const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
  try {
    await defaultProvider()();
  } catch (error) {
    throw new ConfigError(
      `no AWS credentials for ${stage} (${(error as Error).message}); set AWS_PROFILE (and run "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
    );
  }
}

/** Runs a command with this process's output; resolves to its exit code. */
function run(command: string, args: readonly string[]): Promise<number> {
  const child = spawn(command, args, { stdio: "inherit" });
  // Ctrl-C reaches the child too (same process group): let it stop on its own terms.
  const ignore = () => undefined;
  process.on("SIGINT", ignore);
  return new Promise((done) =>
    child.on("close", (code, signal) => {
      process.off("SIGINT", ignore);
      // Ended by a signal: exit as a shell reports it, 128 + its number.
      done(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    }),
  );
}

/**
 * What `npm run <kind> -- <args>` checks before cdktf runs: the kind, the stages named, the
 * stages file (STAGES_FILE or stacks/stages.json) and its placeholders, and AWS credentials for
 * each stage named (the SDK's default chain, which reads `process.env`).
 *
 * @throws ConfigError naming the first thing that is wrong.
 */
export async function checkStageCommand([kind, ...args]: readonly string[]): Promise<Kind> {
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new ConfigError(`usage: stage-command.ts <${KINDS.join("|")}> <args>`);
  }
  const stagesFile = process.env.STAGES_FILE ?? "stacks/stages.json";
  const loaded = loadStages(stagesFile);
  const stages = loaded.stages;
  const stageNames = namedStages(kind as Kind, args, rolloutOrder(stages));
  const placeholders = placeholdersLeft(loaded, stageNames, stagesFile);
  if (placeholders !== undefined) throw new ConfigError(placeholders);
  for (const stage of stageNames) await checkCredentials(stages, stage);
  return kind as Kind;
}

async function main(argv: readonly string[]): Promise<number> {
  const kind = await checkStageCommand(argv);
  return run(join("node_modules", ".bin", "cdktf"), [kind, ...argv.slice(1)]);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (!(error instanceof ConfigError)) throw error;
      console.error(`error: ${error.message}`);
      process.exitCode = 2;
    },
  );
}
