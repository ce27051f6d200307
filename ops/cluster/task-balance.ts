import type { InstanceState, TaskPlacement } from "./cluster-state";

/**
 * Which services have their tasks piled on one container instance or in one AZ, although the
 * cluster offers more. Pure, so `balance check` and its tests share it.
 */

export interface ServicePlacements {
  readonly service: string;
  readonly placements: readonly TaskPlacement[];
}

export interface Lopsided {
  readonly service: string;
  readonly tasks: number;
  /** e.g. `one instance (i-0abc...)` or `one AZ (us-east-1a)`. */
  readonly where: string;
}

/**
 * Services with two or more running tasks all on one instance (when the cluster has two or more
 * active instances) or all in one AZ (when its active instances span two or more AZs): a
 * one-instance staging cluster is not reported for what it cannot change.
 */
export function findLopsided(
  services: readonly ServicePlacements[],
  instances: readonly InstanceState[],
): Lopsided[] {
  const active = instances.filter((i) => i.status === "ACTIVE");
  const zones = new Set(active.map((i) => i.availabilityZone));
  const byArn = new Map(instances.map((i) => [i.containerInstanceArn, i]));
  const found: Lopsided[] = [];
  for (const { service, placements } of services) {
    if (placements.length < 2) continue;
    const onInstances = new Set(placements.map((p) => p.containerInstanceArn));
    const inZones = new Set(placements.map((p) => p.availabilityZone));
    if (active.length >= 2 && onInstances.size === 1) {
      const [arn] = onInstances;
      const instance = byArn.get(arn ?? "")?.instanceId ?? arn;
      found.push({ service, tasks: placements.length, where: `one instance (${instance})` });
    } else if (zones.size >= 2 && inZones.size === 1) {
      const [zone] = inZones;
      found.push({ service, tasks: placements.length, where: `one AZ (${zone})` });
    }
  }
  return found;
}
