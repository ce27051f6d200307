import { realMsFor, scaledClock, scaledTimeAt, virtualClock } from "../../simulation/clock";

describe("the virtual clock", () => {
  it("moves only when something sleeps or advances it, and records each sleep", async () => {
    const clock = virtualClock(5_000);
    expect(clock.now()).toBe(5_000);
    await clock.sleep(1_500);
    clock.advance(500);
    clock.advanceTo(6_000);
    expect(clock.now()).toBe(7_000);
    expect(clock.sleeps).toEqual([1_500]);
  });

  it("runs what was scheduled when time passes its moment, in order, each at its moment", async () => {
    const clock = virtualClock(0);
    const ran: string[] = [];
    clock.after(3_000, () => ran.push(`third at ${clock.now()}`));
    clock.after(1_000, () => {
      ran.push(`first at ${clock.now()}`);
      clock.after(1_000, () => ran.push(`second at ${clock.now()}`));
    });
    const cancel = clock.after(2_500, () => ran.push("cancelled"));
    cancel();
    await clock.sleep(2_999);
    expect(ran).toEqual(["first at 1000", "second at 2000"]);
    clock.advanceTo(10_000);
    expect(ran).toEqual(["first at 1000", "second at 2000", "third at 3000"]);
    expect(clock.now()).toBe(10_000);
  });

  it("refuses a runaway loop of sleeps", async () => {
    const clock = virtualClock(0, { maxSleeps: 2 });
    await clock.sleep(1);
    await clock.sleep(1);
    await expect(clock.sleep(1)).rejects.toThrow("Runaway loop: 2 sleeps");
  });
});

describe("the scaled clock", () => {
  it("agrees with real time when it starts and runs 1000/msPerSecond times faster after", () => {
    expect(scaledTimeAt(5_000, 5_000, 50)).toBe(5_000);
    // 50 real ms per simulated second: one real second is 20 simulated seconds.
    expect(scaledTimeAt(6_000, 5_000, 50)).toBe(25_000);
  });

  it("converts simulated durations to the real time they take", () => {
    expect(realMsFor(90 * 60_000, 50)).toBe(270_000);
    expect(realMsFor(1_000, 1000)).toBe(1_000);
  });

  it("fires a scheduled callback and ends a sleep after the simulated duration, scaled", async () => {
    const clock = scaledClock(10);
    // 2 simulated seconds at 10 ms per second: about 20 real ms.
    await new Promise<void>((resolve) => clock.after(2_000, resolve));
    expect(clock.now() - clock.startedAt).toBeGreaterThanOrEqual(2_000);
    await clock.sleep(1_000);
    expect(clock.now() - clock.startedAt).toBeGreaterThanOrEqual(3_000);
  });

  it("waits again when a timer fires before Date.now() reaches the moment (Node's timers run on another clock)", async () => {
    const realNow = Date.now.bind(Date);
    let lagMs = 0;
    const now = jest.spyOn(Date, "now").mockImplementation(() => realNow() - lagMs);
    try {
      const clock = scaledClock(10);
      const fired = new Promise<number>((resolve) =>
        clock.after(2_000, () => resolve(clock.now())),
      );
      const slept = clock.sleep(1_000).then(() => clock.now());
      // From here the wall clock reads 5 real ms (500 simulated) behind the timers' clock.
      lagMs = 5;
      expect((await slept) - clock.startedAt).toBeGreaterThanOrEqual(1_000);
      expect((await fired) - clock.startedAt).toBeGreaterThanOrEqual(2_000);
    } finally {
      now.mockRestore();
    }
  });

  it("refuses a clock that does not move", () => {
    expect(() => scaledClock(0)).toThrow("msPerSecond must be positive, got 0");
  });
});
