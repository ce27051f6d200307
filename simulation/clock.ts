/**
 * Simulated time, the one clock of everything that stands in for the world: the simulated AWS
 * stamps and schedules with it (hook timeouts, boot, registration, task health, deregistration
 * delay), and the drain function and the CLI sleep on it in tests and benchmarks. It runs in
 * one of two ways:
 *
 * - {@link virtualClock}: time moves only when something sleeps or advances it, and whatever the
 *   simulation scheduled for a moment runs when the clock passes it, in order. Hours of draining
 *   take milliseconds and every run repeats exactly (the drain's tests, the CLI's, bench:drain).
 * - {@link scaledClock}: time follows real time, `1000 / msPerSecond` times faster, from the
 *   moment both agree (`startedAt`). The rehearsal needs it: Terraform and the drain function's
 *   own process run in real time (the function on the same mapping, `aws-time-preload.ts`), and
 *   Terraform's timeouts convert with {@link realMsFor}.
 */
import { createClock } from "@sinonjs/fake-timers";

export interface SimulatedClock {
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Runs `fn` once `ms` of simulated time have passed; returns what cancels it. */
  after(ms: number, fn: () => void): () => void;
  /** Resolves once `ms` of simulated time have passed; then rejects with an AbortError if `signal` has aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Time that moves only when told. A loop that never ends would never give jest a chance to
 * time out, so the clock throws after `maxSleeps` sleeps.
 *
 * Its members are plain functions (not methods), so a test may wrap `sleep` to act at a moment
 * of virtual time (`const sleep = clock.sleep; clock.sleep = async (ms) => { ...; await sleep(ms) }`).
 */
export interface VirtualClock extends SimulatedClock {
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

/** Callbacks one advance may run (a simulation's timers re-arming themselves), before it is a runaway. */
const MAX_TIMERS_PER_ADVANCE = 1_000_000;

export function virtualClock(startAt: number, options: VirtualClockOptions = {}): VirtualClock {
  const { onSleep = () => undefined, maxSleeps = 10_000 } = options;
  const timers = createClock(startAt, MAX_TIMERS_PER_ADVANCE);
  const sleeps: number[] = [];
  const advance = (ms: number) => {
    timers.tick(Math.max(0, ms));
  };
  return {
    sleeps,
    now: () => timers.now,
    after: (ms, fn) => {
      const id = timers.setTimeout(fn, Math.max(0, ms));
      return () => timers.clearTimeout(id);
    },
    sleep: async (ms, signal) => {
      if (sleeps.length >= maxSleeps) {
        throw new Error(`Runaway loop: ${maxSleeps.toLocaleString("en-US")} sleeps`);
      }
      sleeps.push(ms);
      advance(ms);
      onSleep(sleeps.length);
      if (signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
    },
    advance,
    advanceTo: (at) => advance(at - timers.now),
  };
}

/** Simulated time that follows real time, faster. */
export interface ScaledClock extends SimulatedClock {
  /** Real epoch milliseconds at which simulated time and real time agree. */
  readonly startedAt: number;
  /** Real milliseconds per simulated second; 1000 is real time. */
  readonly msPerSecond: number;
}

/** Simulated epoch milliseconds at real epoch milliseconds `realMs`. */
export function scaledTimeAt(realMs: number, startedAt: number, msPerSecond: number): number {
  return startedAt + ((realMs - startedAt) * 1000) / msPerSecond;
}

/** Real milliseconds that `ms` milliseconds of simulated time take. */
export function realMsFor(ms: number, msPerSecond: number): number {
  return (ms * msPerSecond) / 1000;
}

/**
 * Its scheduled callbacks do not keep Node alive. Node's timers run on a monotonic clock and may
 * fire a millisecond before `Date.now()` reaches their moment (seen at 10 ms per second: a
 * 2-second wait ended after 1.9); a timer that fires early waits again for the rest, so a callback
 * or a sleep never sees `now()` before its moment.
 */
export function scaledClock(msPerSecond: number, startedAt = Date.now()): ScaledClock {
  if (!(msPerSecond > 0)) throw new RangeError(`msPerSecond must be positive, got ${msPerSecond}`);
  const now = () => scaledTimeAt(Date.now(), startedAt, msPerSecond);
  /** Runs `fn` once simulated time reaches `at`; `keepAlive` says whether the wait holds Node open. */
  const at = (moment: number, fn: () => void, keepAlive: boolean) => {
    let timer: NodeJS.Timeout;
    // Always through a timer, even when the moment has passed: a callback never runs inside `after`.
    const wait = (realMs: number) => {
      timer = setTimeout(fire, realMs);
      if (!keepAlive) timer.unref();
    };
    const fire = () => {
      const left = moment - now();
      if (left > 0) wait(Math.max(1, realMsFor(left, msPerSecond)));
      else fn();
    };
    wait(Math.max(0, realMsFor(moment - now(), msPerSecond)));
    return () => clearTimeout(timer);
  };
  return {
    startedAt,
    msPerSecond,
    now,
    after: (ms, fn) => at(now() + Math.max(0, ms), fn, false),
    // A sleep keeps Node alive, as the wait of whoever sleeps would.
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        at(
          now() + Math.max(0, ms),
          () =>
            signal?.aborted
              ? reject(Object.assign(new Error("aborted"), { name: "AbortError" }))
              : resolve(),
          true,
        );
      }),
  };
}
