/**
 * What the rehearsal costs and shows, per scenario, as CI runs it (`npm run rehearse -- --all`:
 * the scenarios at once, four at a time): the real time of the base apply and of the rollout
 * apply (median, min and max over the runs), the requests the simulated load balancer sent and
 * dropped, whether the scenario passed; then the wall time of the whole set and the peak
 * resident memory of the process tree (Terraform, the provider, the drain function included).
 *
 *   npm run bench:rehearsal [-- --runs 3 --concurrency 3]
 */
import { rehearsalUnavailable } from "../simulation/rehearsal/rehearsal";
import {
  DEFAULT_CONCURRENCY,
  runScenarios,
  type ScenarioOutcome,
} from "../simulation/rehearsal/run-scenarios";
import { SCENARIOS } from "../simulation/rehearsal/scenarios";
import { benchFlags } from "./flags";
import { sampleTreeRss } from "./process-tree-rss";

const { runs, concurrency } = benchFlags("rehearsal", {
  runs: 3,
  concurrency: DEFAULT_CONCURRENCY,
});
const unavailable = rehearsalUnavailable();
if (unavailable !== undefined) {
  console.error(`bench:rehearsal: ${unavailable}`);
  process.exit(1);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const spread = (xs: readonly number[]) =>
  xs.length === 0
    ? "-".padEnd(22)
    : `${median(xs).toFixed(1).padStart(6)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`.padEnd(
        22,
      );

async function main(): Promise<void> {
  const byScenario = new Map<string, ScenarioOutcome[]>();
  const wall: number[] = [];
  let peakKiB = 0;
  for (let run = 0; run < runs; run++) {
    const memory = sampleTreeRss();
    const started = Date.now();
    const outcomes = await runScenarios(SCENARIOS, concurrency);
    wall.push((Date.now() - started) / 1000);
    peakKiB = Math.max(peakKiB, memory.stop());
    for (const outcome of outcomes) {
      byScenario.set(outcome.scenario.name, [
        ...(byScenario.get(outcome.scenario.name) ?? []),
        outcome,
      ]);
    }
  }
  console.log(
    `rehearsal: ${SCENARIOS.length} scenarios, ${concurrency} at a time, ${runs} runs; seconds of real time, median (min–max)`,
  );
  console.log(
    `${"scenario".padEnd(30)}${"base apply".padEnd(22)}${"rollout apply".padEnd(22)}${"requests sent/dropped".padEnd(24)}passed`,
  );
  for (const scenario of SCENARIOS) {
    const outcomes = byScenario.get(scenario.name) ?? [];
    const results = outcomes.flatMap((o) => (o.result ? [o.result] : []));
    const traffic = results.flatMap((r) => (r.traffic ? [r.traffic] : []));
    const requests =
      traffic.length === 0
        ? "not measured"
        : `${median(traffic.map((t) => t.sent))}/${median(traffic.map((t) => t.dropped))} (median)`;
    console.log(
      `${scenario.name.padEnd(30)}${spread(results.map((r) => r.base.realMs / 1000))}${spread(
        results.flatMap((r) => (r.rollout ? [r.rollout.realMs / 1000] : [])),
      )}${requests.padEnd(24)}${outcomes.filter((o) => o.passed).length}/${outcomes.length}`,
    );
  }
  console.log(
    `all scenarios: wall ${spread(wall).trim()} s; peak memory of the process tree ${(peakKiB / 1024).toFixed(0)} MB`,
  );
  console.log(
    "target: every scenario passes; the whole set within 10 minutes on 2 cores (its own CI step)",
  );
}

void main();
