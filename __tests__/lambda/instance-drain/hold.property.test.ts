import fc from "fast-check";
import { deliver, NOTIFIED_AT, DrainModel } from "../../../simulation/drain-model";
import { virtualClock } from "../../../simulation/clock";
import { createHandler } from "../../../lambda/instance-drain/handler";

/**
 * Issue 16 §1 as a property: when every task on the instance is a service's, the drain timeout
 * never releases the instance while a task still serves, however long past the bound ECS takes
 * to stop them (within the hook's lifetime); standalone tasks are released at the bound.
 */

const scenario = fc.record({
  pollSeconds: fc.integer({ min: 5, max: 30 }),
  // Longer than the longest stopping (the deregistration delay plus the stop timeout).
  drainTimeoutSeconds: fc.integer({ min: 400, max: 1800 }),
  tasks: fc.array(
    fc.record({
      /** When ECS decides to stop it, in thousandths of the bound after DRAINING (up to 3×). */
      stopsPermille: fc.integer({ min: 0, max: 3000 }),
      stoppingForMs: fc.integer({ min: 0, max: 330_000 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

async function drain(s: Scenario, taskGroup: string) {
  const clock = virtualClock(NOTIFIED_AT, { maxSleeps: 100_000 });
  const boundMs = s.drainTimeoutSeconds * 1000;
  const sim = new DrainModel(clock, {
    tasks: s.tasks.map((t) => ({
      pendingForMs: 0,
      stopsAfterMs: (boundMs * t.stopsPermille) / 1000,
      stoppingForMs: t.stoppingForMs,
    })),
    hookHeartbeatTimeoutMs: 1_200_000,
    taskGroup,
  });
  const handler = createHandler({
    ...sim.clients(),
    clock,
    log: () => undefined,
    env: { POLL_SECONDS: String(s.pollSeconds), MAX_DRAIN_SECONDS: String(s.drainTimeoutSeconds) },
  });
  await deliver(handler, sim, {
    timeoutMs: 900_000,
    firstDeliveryMs: 500,
    redeliveryMs: () => 500,
  });
  return sim;
}

describe("instance drain handler at the bound (property)", () => {
  it("never releases an instance while a service still wants a task there; after such a hold, only once every task has STOPPED", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const sim = await drain(s, "service:web");
        const pollMs = s.pollSeconds * 1000;
        // DRAINING is set at the first delivery, 500 ms after the notification.
        const bound = NOTIFIED_AT + 500 + s.drainTimeoutSeconds * 1000;
        const lastDesiredStop =
          NOTIFIED_AT +
          500 +
          Math.max(...s.tasks.map((t) => s.drainTimeoutSeconds * t.stopsPermille));
        expect(sim.releasedBy).toBe("completion");
        expect(sim.completions).toHaveLength(1);
        const [{ at, tasksLeft }] = sim.completions;
        if (lastDesiredStop > bound) {
          // Held past the bound: released only once the stopped tasks have all STOPPED.
          expect(tasksLeft).toBe(0);
          expect(at).toBeGreaterThanOrEqual(sim.lastTaskStopsAt);
          expect(at).toBeLessThanOrEqual(sim.lastTaskStopsAt + pollMs);
        } else {
          // Never held: the bound applies as to any drain.
          expect(at).toBeLessThanOrEqual(Math.min(sim.lastTaskStopsAt, bound) + pollMs);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("releases standalone tasks at the bound", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const sim = await drain(s, "family:report");
        expect(sim.completions).toHaveLength(1);
        // The bound counts from DRAINING, set at the first delivery (500 ms).
        expect(sim.completions[0].at).toBeLessThanOrEqual(
          NOTIFIED_AT + 500 + s.drainTimeoutSeconds * 1000 + s.pollSeconds * 1000,
        );
      }),
      { numRuns: 60 },
    );
  });
});
