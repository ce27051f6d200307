import { createHandler } from "../lambda/instance-drain/handler";
import {
  deliver,
  lifecycleMessage,
  NOTIFIED_AT,
  TOPIC_ARN,
  type DrainModel,
} from "../simulation/drain-model";

/** Lambda's maximum timeout; (b) and (c) both use it. */
export const LAMBDA_TIMEOUT_MS = 900_000;
/** Assumed heartbeat timeout of the termination hook: a little above the Lambda timeout. */
export const HOOK_HEARTBEAT_TIMEOUT_MS = 1_200_000;
/** POLL_SECONDS for (c), and the CDK function's fixed sleep for (b). */
export const POLL_MS = 10_000;
/** Assumed SNS-to-Lambda delivery delay: uniform between these (seeded). */
export const DELIVERY_MS = { min: 100, max: 1_000 } as const;

/** One way of draining an instance, run against the simulation. */
export interface Strategy {
  readonly label: string;
  /** The tasks' `group` in the simulation; by default standalone (see InstanceScenario). */
  readonly taskGroup?: string;
  /** Drains the instance in `sim`; returns how many Lambda invocations it took. */
  run(sim: DrainModel, random: () => number): Promise<number>;
}

function deliveryDelay(random: () => number): number {
  return DELIVERY_MS.min + random() * (DELIVERY_MS.max - DELIVERY_MS.min);
}

/**
 * (a) The team's old Python function: each invocation reads the cluster from the instance's user
 * data, lists and describes the cluster's container instances to find this one, checks its tasks
 * once and, while any run, re-publishes the notification at once. It records no heartbeat.
 */
export const republishAtOnce: Strategy = {
  label: "(a) re-publish at once (old function)",
  async run(sim, random) {
    let invocations = 0;
    sim.clock.advanceTo(NOTIFIED_AT + deliveryDelay(random));
    // Once the hook has let the instance go, the chain finds nothing and ends.
    while (sim.clock.now() < sim.releasedAt) {
      invocations++;
      sim.count("ec2:DescribeInstanceAttribute");
      sim.listContainerInstances();
      if (sim.describeContainerInstance().status === "ACTIVE") sim.setDraining();
      sim.count("ecs:ListTasks");
      const { running, pending } = sim.tasksLeft();
      if (running + pending === 0) {
        sim.completeLifecycleAction();
        break;
      }
      sim.publish(TOPIC_ARN, lifecycleMessage());
      sim.clock.advanceTo(sim.clock.now() + deliveryDelay(random));
    }
    return invocations;
  },
};

/**
 * (b) AWS CDK's drain hook: one invocation lists the tasks, then describes the instance and its
 * tasks every 10 s, counting those not yet STOPPED. When Lambda's 15-minute timeout stops it, nothing completes the action, so
 * the hook's timeout releases the instance. (Lambda's async retries of the timed-out invocation
 * come a minute or more later, after that release, and are not simulated.)
 */
export const pollUntilTimeout: Strategy = {
  label: "(b) poll in one invocation (CDK, 15-min cap)",
  async run(sim, random) {
    sim.clock.advanceTo(NOTIFIED_AT + deliveryDelay(random));
    const killedAt = sim.clock.now() + LAMBDA_TIMEOUT_MS;
    if (sim.listContainerInstances().length === 0) return 1;
    sim.count("ecs:ListTasks");
    const hasTasks = () => {
      if (sim.describeContainerInstance().status === "ACTIVE") {
        sim.setDraining();
        return true;
      }
      // CDK counts tasks whose lastStatus is not STOPPED (its fix of aws/aws-cdk#13506).
      sim.count("ecs:DescribeTasks");
      return sim.notStopped().length > 0;
    };
    while (hasTasks()) {
      if (sim.clock.now() + POLL_MS >= killedAt) return 1;
      await sim.clock.sleep(POLL_MS);
    }
    sim.completeLifecycleAction();
    return 1;
  },
};

/** (c) The real handler, on the simulation's clock and clients. */
export function thisHandler(maxDrainSeconds: number, taskGroup?: string): Strategy {
  return {
    label: `(c) this handler, ${taskGroup === undefined ? "" : "service tasks, "}MAX_DRAIN_SECONDS=${maxDrainSeconds}`,
    taskGroup,
    async run(sim, random) {
      const handler = createHandler({
        ...sim.clients(),
        clock: sim.clock,
        log: () => undefined,
        env: { POLL_SECONDS: String(POLL_MS / 1000), MAX_DRAIN_SECONDS: String(maxDrainSeconds) },
      });
      const { invocations, overruns } = await deliver(handler, sim, {
        timeoutMs: LAMBDA_TIMEOUT_MS,
        firstDeliveryMs: deliveryDelay(random),
        redeliveryMs: () => deliveryDelay(random),
      });
      if (overruns > 0) throw new Error(`${overruns} invocations ran past the Lambda timeout`);
      return invocations;
    },
  };
}
