/**
 * Loaded (bundled, with `node --require`) before the drain function in its process: puts the
 * process on the rehearsal's AWS clock. `Date`, `setTimeout` and `setInterval` are
 * @sinonjs/fake-timers' with `now` = AWS time, and a real interval advances them so that fake
 * time tracks `scaledTimeAt(real now)`: the function's polls, sleeps, heartbeat interval, SDK
 * timeouts and retry backoff, and `getRemainingTimeInMillis`, are all AWS time. I/O stays real.
 * The rehearsal passes its clock by `REHEARSAL_STARTED_AT` and `REHEARSAL_MS_PER_SECOND`.
 */
import { withGlobal } from "@sinonjs/fake-timers";
import { scaledTimeAt } from "../clock";

/** Real milliseconds between two advances of the fake clock. */
const ADVANCE_EVERY_REAL_MS = 2;

const startedAt = Number(process.env.REHEARSAL_STARTED_AT);
const msPerSecond = Number(process.env.REHEARSAL_MS_PER_SECOND);
if (!(startedAt > 0 && msPerSecond > 0)) {
  throw new Error(
    `the AWS-time preload needs REHEARSAL_STARTED_AT and REHEARSAL_MS_PER_SECOND, got ${JSON.stringify(process.env.REHEARSAL_STARTED_AT)} and ${JSON.stringify(process.env.REHEARSAL_MS_PER_SECOND)}`,
  );
}
// Taken before the fakes replace them.
const realNow = Date.now;
const realSetInterval = globalThis.setInterval;
const awsNow = () => scaledTimeAt(realNow(), startedAt, msPerSecond);

const clock = withGlobal(globalThis).install({
  now: awsNow(),
  toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"],
  // The function may sleep for hours of AWS time in one invocation.
  loopLimit: 1_000_000,
});
// Keeps the process alive while the function waits on fake timers; the runner's wrapper exits
// the process when the handler settles.
realSetInterval(() => {
  const behind = Math.floor(awsNow() - clock.now);
  if (behind > 0) clock.tick(behind);
}, ADVANCE_EVERY_REAL_MS);
