/**
 * Runs scenarios, several at once (each rehearsal mostly waits on Terraform and the provider's
 * real-time polling), and judges each by its checks.
 */
import { rehearse, type RehearsalResult } from "./rehearsal";
import type { Scenario } from "./scenarios";

/**
 * Scenarios rehearsed at once by default. Each mostly waits (the provider's real-time polling,
 * its SQS attribute wait of ~25 s, Terraform's converted timeouts): on 2 cores all thirteen took
 * 246 s seven at a time (~1.2 cores busy). Thirteen at once took 191 s but starved the drain
 * function's processes of CPU until the launch gate's hook timed out (the scaled clock runs on
 * regardless): more at once trades the rehearsal's meaning for time.
 */
export const DEFAULT_CONCURRENCY = 7;

export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly result?: RehearsalResult;
  /** The rehearsal itself could not run (not a failed expectation). */
  readonly error?: string;
  readonly checks: readonly { readonly name: string; readonly problem?: string }[];
  readonly passed: boolean;
}

export async function runScenario(scenario: Scenario): Promise<ScenarioOutcome> {
  try {
    const result = await rehearse(scenario.setup);
    const checks = scenario.checks.map((check) => ({
      name: check.name,
      problem: check.problem(result),
    }));
    return { scenario, result, checks, passed: checks.every((c) => c.problem === undefined) };
  } catch (error) {
    return {
      scenario,
      error: error instanceof Error ? error.message : String(error),
      checks: [],
      passed: false,
    };
  }
}

/** Runs `scenarios` at most `concurrency` at a time; `done` hears of each as it finishes. */
export async function runScenarios(
  scenarios: readonly Scenario[],
  concurrency: number,
  done: (outcome: ScenarioOutcome) => void = () => undefined,
): Promise<ScenarioOutcome[]> {
  const outcomes: ScenarioOutcome[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const index = next++;
      outcomes[index] = await runScenario(scenarios[index]);
      done(outcomes[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, scenarios.length) }, worker));
  return outcomes;
}
