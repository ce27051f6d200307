/**
 * A scenario's outcome as `npm run rehearse` prints it: the timeline in AWS time (groups created
 * and deleted, instances launched, admitted, drained and released), the figures (requests sent
 * and dropped, the longest time a service ran below its desired count, the applies' real
 * durations, Terraform's timeouts as converted, API calls by service) and each check.
 */
import type { ScenarioOutcome } from "./run-scenarios";

/** AWS milliseconds since the start as `m:ss`. */
export function awsClockText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

const realSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The timeline's events worth a line (the rest are in the function's log); the sandbox's too. */
export const TIMELINE_EVENTS =
  /group (created|deleted|adopted)|launched|registered|never register|InService|Terminating:Wait|terminated|timed out|DRAINING|desired: |hand-over|: (CONTINUE|ABANDON)|drain function: (admit|abandon|complete|already-complete|heartbeat|continue|hand-off|drain|wait-for-capacity|drain-blocked)/;

export function reportLines(outcome: ScenarioOutcome): string[] {
  const { scenario, result } = outcome;
  const lines = [`== ${scenario.name}: ${scenario.description} (${scenario.setup.stage})`];
  if (result === undefined) return [...lines, `   could not rehearse: ${outcome.error}`];
  lines.push("   timeline (AWS time since the rehearsal started):");
  for (const { at, event } of result.timeline.filter((e) => TIMELINE_EVENTS.test(e.event))) {
    lines.push(`   ${awsClockText(at).padStart(7)}  ${event}`);
  }
  const traffic = result.traffic;
  lines.push(
    traffic === undefined
      ? "   requests: not measured (no simulated services or load balancer)"
      : `   requests: ${traffic.sent} sent, ${traffic.dropped} dropped; longest below desired: ${awsClockText(traffic.longestBelowDesiredMs)} (AWS)`,
  );
  const applies = [
    `base ${result.base.status === 0 ? "" : "FAILED "}${realSeconds(result.base.realMs)}`,
    ...(result.rollout
      ? [
          `rollout ${result.rollout.status === 0 ? "" : "FAILED "}${realSeconds(result.rollout.realMs)}`,
        ]
      : []),
  ];
  lines.push(
    `   applies (real time): ${applies.join(", ")}; AWS time: ${awsClockText(result.awsMs)}`,
  );
  const timeouts = (result.rollout ?? result.base).timeouts.map(
    (t) => `${t.where} ${t.awsTime} → ${t.realTime}`,
  );
  if (timeouts.length > 0) lines.push(`   Terraform timeouts (AWS → real): ${timeouts.join("; ")}`);
  const byService = new Map<string, { calls: number; errors: number }>();
  for (const call of result.calls) {
    const counts = byService.get(call.service) ?? { calls: 0, errors: 0 };
    counts.calls++;
    if (call.error !== undefined) counts.errors++;
    byService.set(call.service, counts);
  }
  lines.push(
    `   API calls (${result.calls.length}): ${[...byService]
      .sort((a, b) => b[1].calls - a[1].calls)
      .map(([service, c]) => `${service} ${c.calls}${c.errors ? ` (${c.errors} errors)` : ""}`)
      .join(", ")}`,
  );
  lines.push(
    `   drain function: ${result.invocations} invocations via SNS, ${result.functionRuns.length} runs (${result.functionRuns.filter((r) => r.outcome !== "ok").length} failed or timed out)`,
  );
  for (const check of outcome.checks) {
    lines.push(`   ${check.problem === undefined ? "✓" : "✗"} ${check.name}`);
    if (check.problem !== undefined) lines.push(`       ${check.problem}`);
  }
  lines.push(`   ${outcome.passed ? "PASSED" : "FAILED"}`);
  return lines;
}

/**
 * Why each failed scenario failed, a line per failed check (or why it could not be rehearsed):
 * printed again after every report, so that the end of a CI log says it.
 */
export function failureLines(outcomes: readonly ScenarioOutcome[]): string[] {
  return outcomes
    .filter((outcome) => !outcome.passed)
    .flatMap(({ scenario, error, checks }) =>
      error !== undefined
        ? [`FAILED ${scenario.name}: could not rehearse: ${error}`]
        : checks
            .filter((check) => check.problem !== undefined)
            .map((check) => `FAILED ${scenario.name}: ${check.name}: ${check.problem}`),
    );
}
