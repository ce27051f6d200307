import { failureLines } from "../../../simulation/rehearsal/report";
import type { ScenarioOutcome } from "../../../simulation/rehearsal/run-scenarios";
import { SCENARIOS } from "../../../simulation/rehearsal/scenarios";

const [first, second, third] = SCENARIOS;

describe("the rehearsal's closing lines", () => {
  it("name each failed check of each failed scenario, and a scenario that could not run", () => {
    const outcomes: ScenarioOutcome[] = [
      { scenario: first, checks: [{ name: "no request dropped" }], passed: true },
      {
        scenario: second,
        checks: [
          { name: "no request dropped" },
          { name: "the old group is deleted", problem: "still there at 9:00" },
          { name: "one invocation per instance", problem: "3 invocations for 2 instances" },
        ],
        passed: false,
      },
      { scenario: third, error: "terraform apply exited 1", checks: [], passed: false },
    ];
    expect(failureLines(outcomes)).toEqual([
      `FAILED ${second.name}: the old group is deleted: still there at 9:00`,
      `FAILED ${second.name}: one invocation per instance: 3 invocations for 2 instances`,
      `FAILED ${third.name}: could not rehearse: terraform apply exited 1`,
    ]);
  });

  it("are none when every scenario passed", () => {
    expect(failureLines([{ scenario: first, checks: [], passed: true }])).toEqual([]);
  });
});
