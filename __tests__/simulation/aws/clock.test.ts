import { awsClock, awsTimeAt, realMsFor } from "../../../simulation/aws/clock";

describe("the rehearsal's AWS clock", () => {
  it("agrees with real time when the rehearsal starts and runs 1000/msPerSecond times faster after", () => {
    expect(awsTimeAt(5_000, 5_000, 50)).toBe(5_000);
    // 50 real ms per AWS second: one real second is 20 AWS seconds.
    expect(awsTimeAt(6_000, 5_000, 50)).toBe(25_000);
  });

  it("converts AWS durations to the real time they take", () => {
    expect(realMsFor(90 * 60_000, 50)).toBe(270_000);
    expect(realMsFor(1_000, 1000)).toBe(1_000);
  });

  it("fires a timer after the AWS duration, scaled", async () => {
    const clock = awsClock(10);
    // 2 AWS seconds at 10 ms per second: about 20 real ms.
    await new Promise<void>((resolve) => clock.after(2_000, resolve));
    expect(clock.now() - clock.startedAt).toBeGreaterThanOrEqual(2_000);
  });

  it("refuses a clock that does not move", () => {
    expect(() => awsClock(0)).toThrow("msPerSecond must be positive, got 0");
  });
});
