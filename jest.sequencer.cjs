/**
 * The order jest hands suites to its workers: longest first, so that both workers finish at about
 * the same time instead of one waiting on a long suite started last. Jest's own order does this
 * with the times it kept from the last run in this folder; a suite it has no time for (every
 * suite of a fresh clone, a new suite) it runs first, by file size, which puts the Terraform
 * suites (short files that wait most of a minute on terraform) behind the unit tests. Here a
 * suite without a kept time is ranked by the estimate below when it is one of the known long
 * ones, else by its size. Only the order changes: every suite still runs.
 */
const Sequencer = require("@jest/test-sequencer").default;

/**
 * Seconds each known long suite takes (`npm run bench:test` prints them; a rough figure is
 * enough, it only orders).
 */
const ESTIMATED_SECONDS = [
  // About 100 s on a machine that has kept none of its plans, 15 s once it has (kept-plans.ts).
  ["__tests__/terraform/real-provider/agreement.test.ts", 50],
  ["__tests__/cli/changes.test.ts", 35],
  ["__tests__/cli/changes-cache.test.ts", 30],
  ["__tests__/cli/broken-environment.test.ts", 30],
  ["__tests__/cli/endpoint.test.ts", 15],
  ["__tests__/cli/adopt/hand-over.test.ts", 12],
  ["__tests__/main.test.ts", 12],
  ["__tests__/cli/launcher.test.ts", 10],
  ["__tests__/stacks/launch-change-set.test.ts", 9],
  ["__tests__/terraform/adoption-plan.test.ts", 5],
];

/** A suite with no kept time and no estimate: about a second per 10 kB of test file. */
const SECONDS_PER_BYTE = 1 / 10_000;

class LongestFirst extends Sequencer {
  sort(tests) {
    const expected = new Map(tests.map((test) => [test, this.expectedMs(test)]));
    for (const test of tests) test.duration = this.time(test);
    return [...tests].sort((a, b) => {
      const failedA = this.hasFailed(a);
      // A suite that failed last time runs first, as in jest's own order.
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      return expected.get(b) - expected.get(a);
    });
  }

  expectedMs(test) {
    const kept = this.time(test);
    if (kept !== undefined) return kept;
    const path = test.path.split("\\").join("/");
    const known = ESTIMATED_SECONDS.find(([suffix]) => path.endsWith(`/${suffix}`));
    if (known !== undefined) return known[1] * 1000;
    return (test.context.hasteFS.getSize(test.path) ?? 0) * SECONDS_PER_BYTE * 1000;
  }
}

module.exports = LongestFirst;
