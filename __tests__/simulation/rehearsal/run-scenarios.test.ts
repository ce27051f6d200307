import { longestFirst } from "../../../simulation/rehearsal/run-scenarios";
import { SCENARIOS, type Scenario } from "../../../simulation/rehearsal/scenarios";

const lasting = (name: string, realSeconds: number): Scenario => ({
  ...SCENARIOS[0],
  name,
  realSeconds,
});

describe("longestFirst", () => {
  it("starts the longest scenario first, equal ones in the list's order", () => {
    const scenarios = [lasting("a", 60), lasting("b", 140), lasting("c", 90), lasting("d", 140)];
    expect(longestFirst(scenarios).map((index) => scenarios[index].name)).toEqual([
      "b",
      "d",
      "c",
      "a",
    ]);
  });

  it("starts every scenario once", () => {
    expect([...longestFirst(SCENARIOS)].sort((a, b) => a - b)).toEqual(
      SCENARIOS.map((_, index) => index),
    );
  });
});
