/**
 * Where ECS places a service's next task: only on an ACTIVE instance whose agent is connected
 * and which has the task's CPU and memory free. `spread-az` follows the strategy pair
 * `spread(attribute:ecs.availability-zone)` then `spread(instanceId)`: the AZ with the fewest of
 * the service's tasks, then the instance there with the fewest; `binpack` takes the instance
 * with the least memory left that still fits, so tasks pack onto few instances.
 */
import {
  isLive,
  remainingResources,
  type ContainerInstance,
  type PlacementStrategy,
  type Resources,
  type Task,
} from "./ecs-model";

export function placeTask(
  strategy: PlacementStrategy,
  size: Resources,
  serviceTasks: readonly Task[],
  instances: readonly ContainerInstance[],
  allTasks: readonly Task[],
): ContainerInstance | undefined {
  const fitting = instances
    .filter((i) => i.status === "ACTIVE" && i.agentConnected)
    .map((instance) => ({ instance, left: remainingResources(instance, allTasks) }))
    .filter(({ left }) => left.cpu >= size.cpu && left.memory >= size.memory);
  if (fitting.length === 0) return undefined;
  if (strategy === "binpack") {
    return fitting.reduce((best, next) => (next.left.memory < best.left.memory ? next : best))
      .instance;
  }
  const live = serviceTasks.filter(isLive);
  const inAz = (az: string) => live.filter((t) => t.availabilityZone === az).length;
  const onInstance = (i: ContainerInstance) =>
    live.filter((t) => t.containerInstanceArn === i.containerInstanceArn).length;
  // Earlier registered instances first among equals, as ECS's order is stable.
  return fitting
    .map(({ instance }) => instance)
    .reduce((best, next) => {
      const byAz = inAz(next.availabilityZone) - inAz(best.availabilityZone);
      if (byAz !== 0) return byAz < 0 ? next : best;
      return onInstance(next) < onInstance(best) ? next : best;
    });
}
