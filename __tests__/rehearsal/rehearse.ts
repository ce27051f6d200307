/**
 * `npm run rehearse`: synthesizes the stacks, then rehearses the staging stack's first apply
 * with the real provider against the simulated AWS (`rehearsal.ts`) and prints the timeline and
 * the figures. Exits non-zero when the apply fails or a plan after it is not empty. The AMI
 * rollout is not rehearsed yet (README, "The rehearsal").
 */
import { execFileSync } from "node:child_process";
import { rehearsalUnavailable, rehearseBaseApply, type RehearsalResult } from "./rehearsal";

async function main(): Promise<number> {
  const unavailable = rehearsalUnavailable();
  if (unavailable !== undefined) {
    console.error(`error: ${unavailable}`);
    return 2;
  }
  execFileSync("npm", ["run", "--silent", "synth"], { stdio: "inherit" });
  const result = await rehearseBaseApply({
    stage: "staging",
    outdir: "cdktf.out",
    // A minute of AWS time in 3 s: hook timeouts and boots are short, the provider's own
    // polling (real time) dominates.
    msPerSecond: 50,
    registrationSeconds: 20,
  });
  print(result);
  return result.applyStatus === 0 && Object.keys(result.pendingChanges).length === 0 ? 0 : 1;
}

function print(result: RehearsalResult): void {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log("timeline (since the simulated AWS started):");
  const events = [
    ...result.timeline.map(({ at, event }) => ({ at, event })),
    ...result.functionDecisions.map(({ at, action, instanceId }) => ({
      at,
      event: `drain function: ${action}${instanceId ? ` ${instanceId}` : ""}`,
    })),
  ].sort((a, b) => a.at - b.at);
  for (const { at, event } of events) console.log(`  ${seconds(at).padStart(8)}  ${event}`);
  console.log(
    `apply: ${result.applyStatus === 0 ? "succeeded" : `FAILED (${result.applyStatus})`} in ${seconds(result.applyMs)}`,
  );
  if (result.applyStatus !== 0) console.log(result.applyOutput);
  const pending = Object.entries(result.pendingChanges);
  console.log(
    pending.length === 0
      ? "plan after apply: no changes"
      : `plan after apply: ${pending.map(([a, x]) => `${x} ${a}`).join(", ")}`,
  );
  console.log(`drain function invocations (via SNS): ${result.invocations}`);
  const byService = new Map<string, number>();
  for (const call of result.calls)
    byService.set(call.service, (byService.get(call.service) ?? 0) + 1);
  console.log(
    `API calls by service (${result.calls.length}, ${result.calls.filter((c) => c.error).length} answered with an error):`,
  );
  for (const [service, count] of [...byService].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${service.padEnd(12)} ${count}`);
  }
  console.log("operations called:");
  const operations = [...new Set(result.calls.map((c) => `${c.service} ${c.operation}`))].sort();
  console.log(`  ${operations.join("\n  ")}`);
}

main().then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
