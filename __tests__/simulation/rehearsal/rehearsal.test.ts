/**
 * The rehearsal's scenarios (`scenarios.ts`) as tests: Terraform with the real provider rolls a
 * stage onto a new AMI against the simulated AWS, and each scenario's checks must hold. The
 * `breaks:` scenarios rehearse the system with one thing broken and pass only when the
 * rehearsal notices. They take minutes (the provider's own waits run in real time), so
 * `npm test` skips them unless `REHEARSAL=1`; they run at once, as `npm run rehearse -- --all`
 * runs them, which prints the same with its figures.
 */
import { rehearsalUnavailable } from "../../../simulation/rehearsal/rehearsal";
import {
  DEFAULT_CONCURRENCY,
  runScenarios,
  type ScenarioOutcome,
} from "../../../simulation/rehearsal/run-scenarios";
import { SCENARIOS } from "../../../simulation/rehearsal/scenarios";

const unavailable =
  process.env.REHEARSAL === "1" ? rehearsalUnavailable() : "set REHEARSAL=1 to run (a few minutes)";
const describeRehearsal = unavailable === undefined ? describe : describe.skip;

describeRehearsal(`the rehearsal${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  let outcomes: readonly ScenarioOutcome[] = [];
  beforeAll(async () => {
    outcomes = await runScenarios(
      SCENARIOS,
      Number(process.env.REHEARSAL_CONCURRENCY ?? DEFAULT_CONCURRENCY),
    );
  }, 900_000);

  it.each(SCENARIOS.map((s) => [s.name, s.description]))("%s: %s", (name) => {
    const outcome = outcomes.find((o) => o.scenario.name === name);
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.checks.filter((c) => c.problem !== undefined)).toEqual([]);
    expect(outcome?.checks.length).toBeGreaterThan(0);
  });
});
