/**
 * AWS time in a rehearsal: minutes of a rollout pass in seconds. One real millisecond is
 * `1000 / msPerSecond` milliseconds of AWS time, counted from the moment the rehearsal started
 * (`startedAt`, real epoch milliseconds), when both clocks agree. The simulated AWS stamps and
 * schedules everything with it (hook timeouts, boot, registration, task health, deregistration
 * delay), and the drain function's process runs on the same mapping, so the notification's
 * `Time`, the function's deadlines and the simulation's timers are one timeline. Terraform's own
 * timeouts are real time; the rehearsal converts them with {@link realMsFor}.
 */

export interface AwsClock {
  /** Real epoch milliseconds at which AWS time and real time agree. */
  readonly startedAt: number;
  /** Real milliseconds per second of AWS time; 1000 is real time. */
  readonly msPerSecond: number;
  /** AWS epoch milliseconds now. */
  now(): number;
  /** Runs `fn` once `awsMs` milliseconds of AWS time have passed; does not keep Node alive. */
  after(awsMs: number, fn: () => void): NodeJS.Timeout;
}

/** AWS epoch milliseconds at real epoch milliseconds `realMs`. */
export function awsTimeAt(realMs: number, startedAt: number, msPerSecond: number): number {
  return startedAt + ((realMs - startedAt) * 1000) / msPerSecond;
}

/** Real milliseconds that `awsMs` milliseconds of AWS time take. */
export function realMsFor(awsMs: number, msPerSecond: number): number {
  return (awsMs * msPerSecond) / 1000;
}

export function awsClock(msPerSecond: number, startedAt = Date.now()): AwsClock {
  if (!(msPerSecond > 0)) throw new RangeError(`msPerSecond must be positive, got ${msPerSecond}`);
  return {
    startedAt,
    msPerSecond,
    now: () => awsTimeAt(Date.now(), startedAt, msPerSecond),
    after: (awsMs, fn) => setTimeout(fn, realMsFor(Math.max(0, awsMs), msPerSecond)).unref(),
  };
}
