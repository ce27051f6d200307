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
 * Auto Scaling states of an instance that can no longer be taken away by a launch hook: in
 * service, or on its way there because its launch action was completed with CONTINUE (by this
 * function, the only one that completes the launch hook). An instance still in `Pending:Wait`
 * is not capacity even when ECS has registered it: should its admission fail (the completion
 * throttled or denied through Lambda's retries), the launch hook times out with ABANDON and
 * Auto Scaling terminates it, with whatever tasks were just drained onto it.
 */
const SETTLED_STATES: ReadonlySet<string> = new Set(["InService", "Pending:Proceed"]);

/**
 * EC2 instance ids of the cluster's instances that can take tasks now and keep them: ACTIVE,
 * agent connected, and in service ({@link SETTLED_STATES}). `exceptInstanceId`, the instance
 * being drained, never counts. Instances outside any Auto Scaling group count: no lifecycle
 * hook can abandon or terminate them.
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
  return candidates.filter((id) => {
    const placement = placements.get(id);
    return placement === undefined || SETTLED_STATES.has(placement.lifecycleState);
  });
}
