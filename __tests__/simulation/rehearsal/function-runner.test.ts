/**
 * The function runner puts the drain function's process on the rehearsal's AWS clock: its
 * `Date`, timers and remaining time are AWS time, its timeout is enforced in the real time it
 * lasts, and a failed or timed-out invocation is retried as Lambda retries asynchronous ones.
 * Fast: AWS time runs at 1 real ms a second.
 */
import { zipSync } from "fflate";
import { functionRunner, type FunctionRunner } from "../../../simulation/rehearsal/function-runner";
import { scaledClock } from "../../../simulation/clock";
import type { LambdaFunction } from "../../../simulation/aws/lambda";

/** A function whose handler is `code` (the body of an async function of `event` and `context`). */
function lambdaFunction(code: string, timeoutSeconds: number): LambdaFunction {
  const source = `exports.handler = async (event, context) => { ${code} };`;
  return {
    configuration: {
      FunctionName: "probe",
      FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:probe",
      Handler: "index.handler",
      Timeout: timeoutSeconds,
      CodeSha256: `sha-${source.length}-${timeoutSeconds}`,
    },
    zip: Buffer.from(zipSync({ "index.js": new TextEncoder().encode(source) })),
    statements: [],
    recursiveLoop: "Terminate",
    tags: {},
  };
}

const settled = async (runner: FunctionRunner, runs: number) => {
  while (
    runner.runs.length < runs ||
    runner.running.size > 0 ||
    runner.runs.some((r) => !r.outcome)
  )
    await new Promise((resolve) => setTimeout(resolve, 10));
};

const jsonLines = (runner: FunctionRunner) =>
  runner.logs.flatMap(({ line }) => (typeof line === "object" ? [line] : []));

describe("the function runner", () => {
  let runner: FunctionRunner | undefined;
  afterEach(() => runner?.stop());

  it("runs the function on AWS time: Date, timers and remaining time", async () => {
    // AWS time started 20 real seconds ago at 1 ms a second: it is 20,000 s (5.5 h) ahead.
    const clock = scaledClock(1, Date.now() - 20_000);
    runner = functionRunner("http://127.0.0.1:9", "us-east-1", clock);
    runner.run(
      lambdaFunction(
        `const before = Date.now();
         const remainingBefore = context.getRemainingTimeInMillis();
         await new Promise((resolve) => setTimeout(resolve, 600000));
         console.log(JSON.stringify({ action: "probe", before, after: Date.now(), remainingBefore,
           remainingAfter: context.getRemainingTimeInMillis(), realNow: ${Date.now()} }));`,
        900,
      ),
      "{}",
    );
    await settled(runner, 1);
    const [probe] = jsonLines(runner) as {
      before: number;
      after: number;
      remainingBefore: number;
      remainingAfter: number;
    }[];
    expect(runner.runs.map((r) => r.outcome)).toEqual(["ok"]);
    expect(probe.before).toBeGreaterThanOrEqual(clock.startedAt + 20_000_000);
    // Ten minutes of AWS time passed in the sleep, and the remaining time counted them.
    expect(probe.after - probe.before).toBeGreaterThanOrEqual(600_000);
    expect(probe.remainingBefore).toBeLessThanOrEqual(900_000);
    expect(probe.remainingBefore - probe.remainingAfter).toBe(probe.after - probe.before);
  }, 30_000);

  it("ends a run at the function's timeout and retries it twice, a minute and two apart", async () => {
    const clock = scaledClock(1);
    runner = functionRunner("http://127.0.0.1:9", "us-east-1", clock);
    runner.run(
      lambdaFunction("await new Promise((resolve) => setTimeout(resolve, 3600000));", 3),
      "{}",
    );
    await settled(runner, 3);
    expect(runner.runs.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, "timeout"],
      [2, "timeout"],
      [3, "timeout"],
    ]);
    const [first, second, third] = runner.runs.map((r) => r.at);
    expect(second - first).toBeGreaterThanOrEqual(60_000 + 3_000);
    expect(third - second).toBeGreaterThanOrEqual(120_000 + 3_000);
  }, 30_000);

  it("retries a run that fails, and not one that succeeds", async () => {
    runner = functionRunner("http://127.0.0.1:9", "us-east-1", scaledClock(1));
    // 900 s of AWS time is 900 real ms here: time enough for a process to start.
    runner.run(lambdaFunction("throw new Error('boom');", 900), "{}");
    runner.run(lambdaFunction("return;", 900), "{}");
    await settled(runner, 4);
    expect(runner.runs.map((r) => r.outcome).sort()).toEqual(["error", "error", "error", "ok"]);
  }, 30_000);
});
