/**
 * Time as the drain sees it. Injected so tests and the benchmark can run hours of draining in
 * virtual time; the Lambda uses {@link systemClock}.
 */
export interface Clock {
  /** Milliseconds since the epoch, comparable with the notification's `Time`. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** Wall-clock time and real timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
