import fc from "fast-check";
import {
  deliver,
  lifecycleMessage,
  NOTIFIED_AT,
  DrainModel,
  TOPIC_ARN,
} from "../../../simulation/drain-model";
import { createHandler } from "../../../lambda/instance-drain/handler";
import { virtualClock } from "../../../simulation/clock";

/** A drain: settings, when the instance's tasks stop, and how late SNS delivers. */
const scenario = fc.record({
  pollSeconds: fc.integer({ min: 5, max: 30 }),
  timeoutSeconds: fc.integer({ min: 120, max: 900 }),
  drainTimeoutSeconds: fc.integer({ min: 300, max: 3600 }),
  alreadyDraining: fc.boolean(),
  firstDeliveryMs: fc.integer({ min: 0, max: 5_000 }),
  tasks: fc.array(
    fc.record({
      pendingForMs: fc.integer({ min: 0, max: 60_000 }),
      stopsAfterMs: fc.integer({ min: 0, max: 50 * 60_000 }),
      // The load balancer's deregistration delay (300 s by default) plus the stop timeout.
      stoppingForMs: fc.integer({ min: 0, max: 330_000 }),
    }),
    { maxLength: 8 },
  ),
  /** Re-delivery delays in thousandths of the poll interval, used in turn. */
  redeliveryPermille: fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 5 }),
});

describe("instance drain handler (property)", () => {
  it("completes once, never with a task short of STOPPED before the max drain time, within one poll interval of the last task stopping", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const pollMs = s.pollSeconds * 1000;
        const timeoutMs = s.timeoutSeconds * 1000;
        const clock = virtualClock(NOTIFIED_AT, { maxSleeps: 100_000 });
        // A heartbeat timeout just above one invocation plus one delivery: what the design needs.
        const sim = new DrainModel(clock, {
          tasks: s.tasks,
          alreadyDraining: s.alreadyDraining,
          hookHeartbeatTimeoutMs: timeoutMs + pollMs,
        });
        const handler = createHandler({
          ...sim.clients(),
          clock,
          log: () => undefined,
          env: {
            POLL_SECONDS: String(s.pollSeconds),
            MAX_DRAIN_SECONDS: String(s.drainTimeoutSeconds),
          },
        });

        const { overruns } = await deliver(handler, sim, {
          timeoutMs,
          firstDeliveryMs: s.firstDeliveryMs,
          redeliveryMs: (n) =>
            (pollMs * s.redeliveryPermille[n % s.redeliveryPermille.length]) / 1000,
        });

        // The bound counts from DRAINING, not from the notification.
        const drainDeadline = sim.drainingSince + s.drainTimeoutSeconds * 1000;
        expect(overruns).toBe(0);
        expect(sim.published).toEqual(
          sim.published.map(() => ({ topicArn: TOPIC_ARN, message: lifecycleMessage() })),
        );
        expect(sim.releasedBy).toBe("completion");
        expect(sim.completions).toHaveLength(1);
        const [{ at, tasksLeft }] = sim.completions;
        if (at < drainDeadline) expect(tasksLeft).toBe(0);
        expect(at).toBeLessThanOrEqual(Math.min(sim.lastTaskStopsAt, drainDeadline) + pollMs);
      }),
      { numRuns: 200 },
    );
  });
});
