/**
 * `npm run sandbox -- [--rate N] [--fault NAME]`: a practice ground for the rollout. Starts the
 * simulated AWS with every stage applied (`start-sandbox.ts`), prints the lines that point the
 * operator CLI at it, and runs until Ctrl-C (exit 130; 143 on SIGTERM). Bad flags are one line,
 * exit 2, before anything starts.
 */
import * as path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { EXIT_USAGE, parseCommandLine } from "./parse-command-line";
import { DRILLS, drillNamed, type Drill } from "./drills";
import { exportLines, pointsPastLoopback } from "./loopback-only";

const EXIT_FAILED = 1;
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
/** The provider polls its waits every 10 real seconds: faster than 20× AWS time blurs them. */
const MAX_RATE = 20;

function rateArgument(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate < 1 || rate > MAX_RATE)
    throw new InvalidArgumentError(
      `expected a number from 1 to ${MAX_RATE} (AWS seconds per real second).`,
    );
  return rate;
}

function drillArgument(value: string): Drill {
  const drill = drillNamed(value);
  if (drill === undefined)
    throw new InvalidArgumentError(`expected one of ${DRILLS.map((d) => d.name).join(", ")}.`);
  return drill;
}

/** The sandbox's command line: its flags, their checks and its help. */
export function sandboxProgram(): Command {
  return new Command("sandbox")
    .description(
      "Start a simulated AWS with every stage applied, to practise the rollout with the operator CLI.",
    )
    .addOption(
      new Option("--rate <n>", "seconds of AWS time per real second")
        .argParser(rateArgument)
        .default(10),
    )
    .addOption(
      new Option("--fault <name>", "a drill: what goes wrong in the rollout").argParser(
        drillArgument,
      ),
    )
    .addHelpText(
      "after",
      `\nDrills:\n${DRILLS.map((d) => `  ${d.name.padEnd(16)} ${d.description}`).join("\n")}\n`,
    )
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

async function main(argv: readonly string[]): Promise<number> {
  const program = sandboxProgram();
  const exitCode = parseCommandLine(program, argv);
  if (exitCode !== undefined) return exitCode;
  const refusal = pointsPastLoopback(process.env);
  if (refusal !== undefined) {
    process.stderr.write(`error: ${refusal}\n`);
    return EXIT_USAGE;
  }
  // Nothing the sandbox starts (Terraform, the provider, the function) sees the shell's AWS set-up.
  for (const name of Object.keys(process.env))
    if (name.startsWith("AWS_")) delete process.env[name];
  const { rate, fault } = program.opts<{ rate: number; fault?: Drill }>();
  const log = (line: string) => console.log(line);
  // Listening from the start: Ctrl-C while the stacks apply stops them (the terminal signals
  // Terraform too) and the start-up's cleanup runs, instead of Node's default exit.
  const stopped = new AbortController();
  const signalled = new Promise<keyof typeof SIGNAL_EXIT>((resolve) => {
    for (const name of Object.keys(SIGNAL_EXIT) as (keyof typeof SIGNAL_EXIT)[])
      process.once(name, () => {
        stopped.abort();
        resolve(name);
      });
  });
  if (fault) log(`drill ${fault.name}: ${fault.description}`);
  // Loaded once the flags are good: it brings the app's synth and Terraform's harness.
  const { SandboxError, startSandbox } = await import("./start-sandbox");
  let sandbox;
  try {
    sandbox = await startSandbox({
      rate,
      drill: fault,
      projectDir: path.resolve(__dirname, "..", ".."),
      log,
      signal: stopped.signal,
    });
  } catch (error) {
    if (stopped.signal.aborted) return SIGNAL_EXIT[await signalled];
    if (!(error instanceof SandboxError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT_FAILED;
  }
  log("");
  log("The sandbox is ready. In another terminal, point the operator CLI at it:");
  log("");
  log(`  cd ${path.dirname(path.dirname(sandbox.stagesFile))}`);
  for (const line of exportLines(sandbox.url, sandbox.region, sandbox.stagesFile)) log(`  ${line}`);
  log("");
  log("then follow the runbook (docs/practise.md); apply with: npm run sandbox:apply -- <stage>");
  log("Ctrl-C stops the sandbox and removes its checkout.");
  log("");
  const signal = await signalled;
  // What the apps' users saw over the whole practice, the figure a rollout is judged by.
  const traffic = sandbox.aws.traffic();
  const sent = traffic.reduce((sum, t) => sum + t.sent, 0);
  const dropped = traffic.reduce((sum, t) => sum + t.dropped, 0);
  log(`requests to the apps: ${sent} sent, ${dropped} dropped`);
  await sandbox.stop();
  log(`stopped (${signal})`);
  return SIGNAL_EXIT[signal];
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error: unknown) => {
      console.error(error);
      process.exit(EXIT_FAILED);
    },
  );
}
