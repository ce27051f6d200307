/**
 * Why `balance check` has something to find after the practice's rollout: on a cluster of two
 * instances or more, the ECS agent of the last new instance loses its connection for the length
 * of the drain, right after the launch gate admitted it (agents do reconnect: a network blip, an
 * agent update). ECS places every task moved off the old instances on the instances it can
 * reach, and does not move them back when the agent returns: a service ends with all its tasks
 * on one instance, which `balance check --fix` spreads again. Once per cluster, announced in the
 * sandbox's log.
 */
import type { SimulatedAws } from "../aws/simulation";

/** How often (real ms) the sandbox looks at the clusters. */
const LOOK_EVERY_MS = 200;

export interface BlipTarget {
  readonly cluster: string;
  /** The AMI the cluster ran when the sandbox started. */
  readonly baseAmiId: string;
  readonly desiredCapacity: number;
}

/** Watches each cluster of two instances or more; returns the function that stops watching. */
export function blipAgentDuringFirstRollout(
  aws: SimulatedAws,
  targets: readonly BlipTarget[],
  log: (line: string) => void,
): () => void {
  const pending = targets.filter((target) => target.desiredCapacity >= 2);
  const disconnected = new Map<string, string>();
  const timer = setInterval(() => {
    const inService = new Set(
      [...aws.autoScaling.groups.values()].flatMap((group) =>
        group.instances.filter((i) => i.LifecycleState === "InService").map((i) => i.InstanceId),
      ),
    );
    for (const target of [...pending]) {
      const instances = aws.ecs.scheduler.instances.filter((i) => i.cluster === target.cluster);
      const admitted = instances.filter(
        (i) => i.imageId !== target.baseAmiId && inService.has(i.ec2InstanceId),
      );
      if (admitted.length < target.desiredCapacity) continue;
      const blipped = admitted.at(-1);
      if (blipped === undefined) continue;
      blipped.agentConnected = false;
      disconnected.set(target.cluster, blipped.ec2InstanceId);
      pending.splice(pending.indexOf(target), 1);
      log(
        `${target.cluster}: the ECS agent of ${blipped.ec2InstanceId} lost its connection (a sandbox event: ECS places no task there until it is back, after the drain)`,
      );
    }
    for (const [cluster, ec2InstanceId] of [...disconnected]) {
      const instances = aws.ecs.scheduler.instances.filter((i) => i.cluster === cluster);
      const base = targets.find((t) => t.cluster === cluster)?.baseAmiId;
      if (instances.some((i) => i.imageId === base)) continue;
      const instance = instances.find((i) => i.ec2InstanceId === ec2InstanceId);
      if (instance !== undefined) instance.agentConnected = true;
      disconnected.delete(cluster);
      aws.ecs.scheduler.reconcile(cluster);
      log(`${cluster}: the ECS agent of ${ec2InstanceId} is connected again`);
    }
    if (pending.length === 0 && disconnected.size === 0) clearInterval(timer);
  }, LOOK_EVERY_MS);
  return () => clearInterval(timer);
}
