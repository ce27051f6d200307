import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import {
  DescribeContainerInstancesCommand,
  paginateListContainerInstances,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import { describePlacements } from "./lifecycle-action";

/** ECS's limit on container instances per DescribeContainerInstances call. */
const MAX_INSTANCES_PER_DESCRIBE = 100;

/**
 * EC2 instance ids of the cluster's instances that can take tasks now: ACTIVE, agent connected,
 * and not themselves on their way out (a `Terminating*` lifecycle state of Auto Scaling).
 * `exceptInstanceId`, the instance being drained, never counts. Instances outside any Auto
 * Scaling group count, as do new ones still held in Pending:Wait by the launch hook (they are
 * registered, so ECS already places tasks on them).
 */
export async function usableInstances(
  ecs: ECSClient,
  autoScaling: AutoScalingClient,
  cluster: string,
  exceptInstanceId: string,
): Promise<string[]> {
  const arns: string[] = [];
  const pages = paginateListContainerInstances({ client: ecs }, { cluster, status: "ACTIVE" });
  for await (const page of pages) arns.push(...(page.containerInstanceArns ?? []));

  const candidates: string[] = [];
  for (let i = 0; i < arns.length; i += MAX_INSTANCES_PER_DESCRIBE) {
    const output = await ecs.send(
      new DescribeContainerInstancesCommand({
        cluster,
        containerInstances: arns.slice(i, i + MAX_INSTANCES_PER_DESCRIBE),
      }),
    );
    for (const instance of output.containerInstances ?? []) {
      const id = instance.ec2InstanceId;
      if (instance.status !== "ACTIVE" || instance.agentConnected !== true) continue;
      if (id && id !== exceptInstanceId) candidates.push(id);
    }
  }
  if (candidates.length === 0) return [];

  const placements = await describePlacements(autoScaling, candidates);
  return candidates.filter(
    (id) => !(placements.get(id)?.lifecycleState ?? "").startsWith("Terminating"),
  );
}
