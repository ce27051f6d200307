import fc from "fast-check";
import { deliver, NOTIFIED_AT, DrainModel } from "../../../simulation/drain-model";
import { virtualClock } from "../../../simulation/clock";
import { ClusterInstances } from "../../../constructs/cluster-instances";
import {
  drainEnvironment,
  DrainTimingError,
  readConfig,
  resolveDrainTiming,
  type DrainTimingInput,
} from "../../../lambda/instance-drain/contract";
import { createHandler } from "../../../lambda/instance-drain/handler";
import { clusterWithDrain, emptyStack } from "../../../simulation/fixtures";
import { COMMITTED_AMI } from "../../../simulation/amis";

/**
 * Issue 16 §3: the drain's timeouts come from one contract (lambda/instance-drain/contract.ts).
 * For every config it accepts, the worst case of a drain that is not blocked (the wait for
 * capacity, the drain timeout from DRAINING, one heartbeat) fits in the hook's global timeout and
 * in the group's delete timeout, and the function reads back exactly what the construct wrote;
 * every config it refuses is refused with the field and the value. And the function really
 * releases within that worst case.
 */

const HOUR = 3600;
/** Each setting from a range wider than its bounds, sometimes left out (the default). */
const timingInput = fc.record(
  {
    drainTimeoutMinutes: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constant(2.5)),
    lambdaTimeoutSeconds: fc.integer({ min: 60, max: 1000 }),
    heartbeatTimeoutSeconds: fc.integer({ min: 0, max: 7300 }),
    registrationTimeoutSeconds: fc.oneof(fc.integer({ min: 0, max: 7300 }), fc.constant(600.5)),
    pollSeconds: fc.integer({ min: 0, max: 300 }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<DrainTimingInput>;

/** The rules as the issue and AWS's documentation state them, written out independently. */
function allowed(input: DrainTimingInput): boolean {
  const drain = input.drainTimeoutMinutes ?? 60;
  const lambda = input.lambdaTimeoutSeconds ?? 900;
  const heartbeat = input.heartbeatTimeoutSeconds ?? lambda + 300;
  const registration = input.registrationTimeoutSeconds ?? 600;
  const poll = input.pollSeconds ?? 10;
  const whole = [drain, lambda, heartbeat, registration, poll].every(Number.isInteger);
  const globalTimeout = Math.min(48 * HOUR, 100 * heartbeat);
  return (
    whole &&
    drain >= 1 &&
    lambda >= 120 &&
    lambda <= 900 &&
    poll >= 1 &&
    4 * poll + 60 <= lambda &&
    heartbeat >= lambda + 300 &&
    heartbeat <= 7200 &&
    registration >= 60 &&
    registration <= 7200 &&
    // Up to one bound waiting for capacity, one bound draining, one heartbeat if the function dies.
    2 * drain * 60 + heartbeat <= globalTimeout
  );
}

describe("drain timing contract (property)", () => {
  it("accepts exactly the configs whose worst case fits the hook, and names field and value of any other", () => {
    fc.assert(
      fc.property(timingInput, (input) => {
        let timing;
        try {
          timing = resolveDrainTiming(input);
        } catch (error) {
          expect(error).toBeInstanceOf(DrainTimingError);
          const { field, value, message } = error as DrainTimingError;
          expect(allowed(input)).toBe(false);
          expect(value).toBe(input[field]);
          expect(message).toMatch(
            new RegExp(`^${field} .*, got ${JSON.stringify(value) ?? "nothing"}$`),
          );
          return;
        }
        expect(allowed(input)).toBe(true);
        const worstCase = 2 * timing.drainTimeoutMinutes * 60 + timing.heartbeatTimeoutSeconds;
        expect(timing.worstCaseDrainSeconds).toBe(worstCase);
        expect(worstCase).toBeLessThanOrEqual(timing.globalTimeoutSeconds);
        expect(timing.globalTimeoutSeconds).toBe(
          Math.min(48 * HOUR, 100 * timing.heartbeatTimeoutSeconds),
        );
        expect(timing.drainTimeoutSeconds).toBe(timing.drainTimeoutMinutes * 60);
      }),
      { numRuns: 2000 },
    );
  });

  it("hands the function exactly the accepted values, and the function adds no defaults of its own", () => {
    const log = () => undefined;
    expect(readConfig({}, log)).toEqual(
      readConfig(drainEnvironment({ clusterName: "", ...resolveDrainTiming({}) }), log),
    );
    fc.assert(
      fc.property(timingInput, (input) => {
        fc.pre(allowed(input));
        const timing = resolveDrainTiming(input);
        const config = readConfig(drainEnvironment({ clusterName: "apps", ...timing }), log);
        expect(config).toEqual({
          pollMs: timing.pollSeconds * 1000,
          drainTimeoutMs: timing.drainTimeoutSeconds * 1000,
          registrationTimeoutMs: timing.registrationTimeoutSeconds * 1000,
          defaultCluster: "apps",
        });
      }),
      { numRuns: 300 },
    );
  });

  it("gives the group a delete timeout longer than the worst case, and a capacity wait longer than the launch hook", () => {
    const accepted = timingInput.filter(allowed);
    fc.assert(
      fc.property(accepted, fc.integer({ min: 0, max: 30 }), (input, shutdown) => {
        const stack = emptyStack();
        const { cluster, drain } = clusterWithDrain(stack, input);
        const instances = new ClusterInstances(stack, "Instances", {
          cluster,
          drain,
          amiId: COMMITTED_AMI,
          instanceType: "t3.large",
          instanceProfileName: "ecs-instance",
          securityGroupIds: ["sg-0123456789abcdef0"],
          subnetIds: ["subnet-0123456789abcdef0"],
          minSize: 1,
          maxSize: 2,
          desiredCapacity: 1,
          shutdownAllowanceMinutes: shutdown,
        });
        const { worstCaseDrainSeconds, registrationTimeoutSeconds } = resolveDrainTiming(input);
        expect(drain.timing.worstCaseDrainSeconds).toBe(worstCaseDrainSeconds);
        expect(instances.deleteTimeoutMinutes).toBe(
          Math.ceil(worstCaseDrainSeconds / 60) + shutdown,
        );
        expect(instances.capacityTimeoutMinutes * 60).toBeGreaterThan(registrationTimeoutSeconds);
      }),
      { numRuns: 40 },
    );
  });

  it("releases an instance whose drain is not blocked within the worst case, whenever capacity appears before the bound", async () => {
    const scenario = fc.record({
      input: fc.record({
        drainTimeoutMinutes: fc.integer({ min: 1, max: 40 }),
        lambdaTimeoutSeconds: fc.integer({ min: 120, max: 900 }),
        pollSeconds: fc.integer({ min: 1, max: 15 }),
      }),
      /** When capacity appears, in thousandths of the bound after the notification. */
      capacityPermille: fc.integer({ min: 0, max: 999 }),
      /** When each task is stopped, in thousandths of twice the bound after DRAINING. */
      stopsPermille: fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ input, capacityPermille, stopsPermille }) => {
        fc.pre(allowed(input));
        const timing = resolveDrainTiming(input);
        const boundMs = timing.drainTimeoutSeconds * 1000;
        const clock = virtualClock(NOTIFIED_AT, { maxSleeps: 100_000 });
        const sim = new DrainModel(clock, {
          tasks: stopsPermille.map((p) => ({
            pendingForMs: 0,
            stopsAfterMs: (boundMs * p) / 1000,
          })),
          hookHeartbeatTimeoutMs: timing.heartbeatTimeoutSeconds * 1000,
          capacityAfterMs: (boundMs * capacityPermille) / 1000,
        });
        const handler = createHandler({
          ...sim.clients(),
          clock,
          log: () => undefined,
          env: drainEnvironment({ clusterName: "apps-staging", ...timing }),
        });
        await deliver(handler, sim, {
          timeoutMs: timing.lambdaTimeoutSeconds * 1000,
          firstDeliveryMs: 500,
          redeliveryMs: () => 500,
        });
        expect(sim.releasedBy).toBe("completion");
        expect(sim.releasedAt - NOTIFIED_AT).toBeLessThanOrEqual(
          timing.worstCaseDrainSeconds * 1000,
        );
      }),
      { numRuns: 60 },
    );
  });
});
