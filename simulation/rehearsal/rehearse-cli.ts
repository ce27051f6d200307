/**
 * `npm run rehearse`'s command line (`rehearse.ts` runs it): `[--scenario NAME | --all]
 * [--stage staging|production] [--concurrency N]`. Rehearses AMI rollouts (`scenarios.ts`) with
 * the real provider against the simulated AWS and prints each one's timeline, figures and
 * checks. Without `--scenario` or `--all` it rehearses the normal rollout of the stage (staging
 * by default). Exits 1 when a scenario's expectation fails, 2 on a bad argument or a stages file
 * that does not load (one line, the one `npm run synth` prints) or when the rehearsal cannot run
 * here.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ConfigError } from "../../config/config-error";
import { loadStages, readStages, rolloutOrder, type StageName } from "../../config/stages";
import { rehearsalUnavailable } from "./rehearsal";
import { failureLines, reportLines } from "./report";
import { DEFAULT_CONCURRENCY, runScenarios } from "./run-scenarios";
import { SCENARIOS, type Scenario } from "./scenarios";
import { STAGES_FILE } from "./synthesize";

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

interface Options {
  readonly scenario?: string;
  readonly all?: boolean;
  readonly stage?: StageName;
  readonly concurrency: number;
}

function stageArgument(value: string): StageName {
  const stageNames = rolloutOrder(readStages(STAGES_FILE));
  if (!stageNames.includes(value))
    throw new InvalidArgumentError(`expected ${stageNames.join(" or ")}.`);
  return value;
}

function scenarioArgument(value: string): string {
  if (!SCENARIOS.some((s) => s.name === value))
    throw new InvalidArgumentError(`expected one of ${SCENARIOS.map((s) => s.name).join(", ")}.`);
  return value;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1.");
  return n;
}

/** The scenarios the options select, or a one-line reason they select none. */
function selectScenarios(options: Options): Scenario[] | string {
  if (options.scenario !== undefined && options.all) return "give --scenario or --all, not both";
  if (options.scenario !== undefined) {
    const chosen = SCENARIOS.filter((s) => s.name === options.scenario);
    if (options.stage !== undefined && chosen[0]?.setup.stage !== options.stage)
      return `scenario ${options.scenario} rehearses ${chosen[0]?.setup.stage}, not ${options.stage}`;
    return chosen;
  }
  if (options.all)
    return SCENARIOS.filter((s) => options.stage === undefined || s.setup.stage === options.stage);
  const stage = options.stage ?? "staging";
  return SCENARIOS.filter((s) => s.name === stage);
}

export interface RehearseIo {
  out(line: string): void;
  err(text: string): void;
}

export async function runRehearseCli(argv: readonly string[], io: RehearseIo): Promise<number> {
  const program = new Command("rehearse")
    .description("Rehearse AMI rollouts with the real AWS provider against the simulated AWS.")
    .option("--scenario <name>", "one scenario", scenarioArgument)
    .option("--all", "every scenario")
    .option("--stage <stage>", "the stage's rollout, or with --all its scenarios", stageArgument)
    .option(
      "--concurrency <n>",
      "scenarios rehearsed at once",
      positiveInteger,
      DEFAULT_CONCURRENCY,
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text),
    });
  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    // --stage reads the stages file to know the stages: one that does not load is said as below.
    if (!(error instanceof ConfigError)) throw error;
    io.err(`error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const selected = selectScenarios(program.opts<Options>());
  if (typeof selected === "string") {
    io.err(`error: ${selected}\n`);
    return EXIT_USAGE;
  }
  // Every scenario synthesizes from the stages file: one that does not load is the operator's
  // to fix, said once, as synth says it, before anything is rehearsed.
  try {
    loadStages(STAGES_FILE);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const unavailable = rehearsalUnavailable();
  if (unavailable !== undefined) {
    io.err(`error: ${unavailable}\n`);
    return EXIT_USAGE;
  }
  const started = Date.now();
  const outcomes = await runScenarios(selected, program.opts<Options>().concurrency, (outcome) =>
    io.out(reportLines(outcome).join("\n")),
  );
  const failed = outcomes.filter((o) => !o.passed).map((o) => o.scenario.name);
  for (const line of failureLines(outcomes)) io.out(line);
  io.out(
    `${outcomes.length - failed.length} of ${outcomes.length} scenarios passed in ${((Date.now() - started) / 1000).toFixed(0)} s real${failed.length ? `; failed: ${failed.join(", ")}` : ""}`,
  );
  return failed.length === 0 ? 0 : EXIT_FAILED;
}
