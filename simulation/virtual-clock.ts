/**
 * Virtual time for the drain function, the CLI and the drain benchmark: `sleep` moves the clock
 * instead of waiting, so hours of draining or polling take milliseconds. A loop that never ends
 * would never give jest a chance to time out, so the clock throws after `maxSleeps` sleeps.
 *
 * Its members are plain functions (not methods), so a test may wrap `sleep` to act at a moment
 * of virtual time (`const sleep = clock.sleep; clock.sleep = async (ms) => { ...; await sleep(ms) }`).
 */
export interface VirtualClock {
  now(): number;
  /** Moves the clock by `ms`; rejects with an AbortError afterwards if `signal` has aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Moves the clock by `ms` without a sleep (time passing while something else runs). */
  advance(ms: number): void;
  /** Moves the clock to `at`, never backwards. */
  advanceTo(at: number): void;
  /** Every sleep's length, in order. */
  readonly sleeps: readonly number[];
}

export interface VirtualClockOptions {
  /** Runs after each sleep with the number of sleeps so far (e.g. to press Ctrl-C at the third). */
  readonly onSleep?: (count: number) => void;
  /** @default 10_000 — more than any test needs; the drain benchmark allows more. */
  readonly maxSleeps?: number;
}

export function virtualClock(startAt: number, options: VirtualClockOptions = {}): VirtualClock {
  const { onSleep = () => undefined, maxSleeps = 10_000 } = options;
  let now = startAt;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (sleeps.length >= maxSleeps) {
        throw new Error(`Runaway loop: ${maxSleeps.toLocaleString("en-US")} sleeps`);
      }
      sleeps.push(ms);
      now += ms;
      onSleep(sleeps.length);
      if (signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
    },
    advance: (ms) => {
      now += ms;
    },
    advanceTo: (at) => {
      now = Math.max(now, at);
    },
  };
}
