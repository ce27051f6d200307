/**
 * How long `npm test` takes, phase by phase, and which jest suites take the time: each phase of
 * `npm test` (type-check, eslint, prettier, jest) run as its own process, `--runs` times, with
 * the median, min and max wall time and the peak memory of the largest single process (GNU
 * time's maximum resident set size); then jest's own time per suite, slowest first.
 *
 *   npm run bench:test [-- --runs 3] [-- --suites 12] [-- --cold]
 *
 * Run it on an idle machine: the target is the whole `npm test` within 90 s on 2 cores.
 * Without `--cold` the first run warms what the others read back; with it, every run starts
 * from nothing kept.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { benchFlags } from "./flags";
import { keptPlansFolder } from "../simulation/terraform/real-provider/kept-plans";

const flags = benchFlags("test", { runs: 3, suites: 12 }, ["cold"]);
const { runs, suites: suitesShown } = flags;

const GNU_TIME = "/usr/bin/time";
const work = mkdtempSync(join(tmpdir(), "bench-test-"));
const jestReport = join(work, "jest.json");

/**
 * The phases of `npm test`, in its order, each the command package.json gives it (typecheck,
 * lint, jest), so what is timed is what `npm test` runs, its kept results included (tsc's build
 * info, eslint's and prettier's caches, the real provider's kept plans); `--cold` removes them
 * before every run, as on a new machine.
 */
const scripts = (
  JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }
).scripts;
const PHASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  [`typecheck (${scripts.typecheck.split(" ")[0]})`, ["sh", "-c", scripts.typecheck]],
  ["lint (eslint, prettier)", ["sh", "-c", scripts.lint]],
  ["jest", ["node_modules/.bin/jest", "--json", `--outputFile=${jestReport}`]],
];

/** What `--cold` removes: every result `npm test` keeps between runs. */
const KEPT = ["node_modules/.cache", keptPlansFolder()].filter((dir) => dir !== undefined);

interface Sample {
  readonly seconds: number;
  readonly peakMiB?: number;
}

function run(command: readonly string[]): Promise<Sample> {
  const peakFile = join(work, "peak");
  const withTime = existsSync(GNU_TIME);
  const [file, ...args] = withTime ? [GNU_TIME, "-f", "%M", "-o", peakFile, ...command] : command;
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(new Error(`${command.join(" ")} failed:\n${stderr}`));
      const peakMiB = withTime ? Number(readFileSync(peakFile, "utf8").trim()) / 1024 : undefined;
      done({ seconds, peakMiB });
    });
  });
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const spread = (xs: readonly number[], unit: string) =>
  `median ${median(xs).toFixed(1)}${unit}  min ${Math.min(...xs).toFixed(1)}${unit}  max ${Math.max(...xs).toFixed(1)}${unit}`;

interface JestReport {
  readonly numTotalTests: number;
  readonly testResults: ReadonlyArray<{
    readonly name: string;
    readonly startTime: number;
    readonly endTime: number;
  }>;
}

async function main() {
  const samples = new Map<string, Sample[]>(PHASES.map(([name]) => [name, []]));
  const totals: number[] = [];
  const suiteSeconds = new Map<string, number[]>();
  const idle: number[] = [];
  let lastSuite = "";
  let tests = 0;
  for (let index = 0; index < runs; index++) {
    let total = 0;
    if (flags.cold) {
      for (const kept of KEPT) rmSync(kept, { recursive: true, force: true });
      // Jest's own transform cache as well.
      await run(["node_modules/.bin/jest", "--clearCache"]);
    }
    for (const [name, command] of PHASES) {
      const sample = await run(command);
      samples.get(name)!.push(sample);
      total += sample.seconds;
    }
    totals.push(total);
    const report = JSON.parse(readFileSync(jestReport, "utf8")) as JestReport;
    tests = report.numTotalTests;
    for (const suite of report.testResults) {
      const name = relative(process.cwd(), suite.name);
      const times = suiteSeconds.get(name) ?? [];
      times.push((suite.endTime - suite.startTime) / 1000);
      suiteSeconds.set(name, times);
    }
    idle.push(idleWorkerSeconds(report.testResults));
    lastSuite = lastToFinish(report.testResults);
    process.stderr.write(`run ${index + 1}/${runs}: ${total.toFixed(1)} s\n`);
  }

  console.log(
    `npm test, ${runs} run(s)${flags.cold ? " from nothing kept" : ""}, ${tests} jest tests in ${suiteSeconds.size} suites`,
  );
  for (const [name, phase] of samples) {
    const peaks = phase.flatMap((sample) => (sample.peakMiB === undefined ? [] : [sample.peakMiB]));
    const memory = peaks.length > 0 ? `  peak ${Math.max(...peaks).toFixed(0)} MiB` : "";
    console.log(
      `  ${name.padEnd(28)} ${spread(
        phase.map((sample) => sample.seconds),
        " s",
      )}${memory}`,
    );
  }
  console.log(`  ${"whole npm test".padEnd(28)} ${spread(totals, " s")}`);
  console.log(
    `  ${"fewer suites than workers".padEnd(28)} ${spread(idle, " s")}  (a worker idle; last to finish: ${lastSuite})`,
  );
  console.log(`slowest jest suites (median of their own time; workers run them side by side):`);
  const slowest = [...suiteSeconds]
    .map(([name, times]) => [name, median(times)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, suitesShown);
  for (const [name, seconds] of slowest) {
    console.log(`  ${seconds.toFixed(1).padStart(6)} s  ${name}`);
  }
}

type SuiteTimes = JestReport["testResults"];

/**
 * How long, between the first suite's start and the last one's end, fewer suites ran than jest
 * has workers: time a worker sat idle, mostly at the end, waiting for a long suite started late.
 */
function idleWorkerSeconds(suites: SuiteTimes): number {
  const steps = concurrency(suites);
  const workers = Math.max(...steps.map(([, running]) => running));
  let idleMs = 0;
  for (let i = 0; i + 1 < steps.length; i++) {
    if (steps[i][1] < workers) idleMs += steps[i + 1][0] - steps[i][0];
  }
  return idleMs / 1000;
}

/** [time, suites running from then on] at every start and end, in time order. */
function concurrency(suites: SuiteTimes): [number, number][] {
  const events = suites
    .flatMap((suite) => [[suite.startTime, 1] as const, [suite.endTime, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  return events.map(([time, change]) => [time, (running += change)]);
}

function lastToFinish(suites: SuiteTimes): string {
  const last = [...suites].sort((a, b) => b.endTime - a.endTime)[0];
  return last === undefined ? "none" : relative(process.cwd(), last.name);
}

main()
  .catch((error: Error) => {
    console.error(`bench:test: ${error.message}`);
    process.exitCode = 1;
  })
  .finally(() => rmSync(work, { recursive: true, force: true }));
