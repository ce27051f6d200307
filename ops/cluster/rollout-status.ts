import type { ClusterState, InstanceState, ServiceState } from "./cluster-state";

/**
 * Where a rollout stands: which container instances still run another AMI than the stage's, how
 * many tasks are still on them, which services are not yet steady. Pure, so the watch loop and
 * its tests share it.
 */

export interface RolloutStatus {
  readonly oldInstances: readonly InstanceState[];
  /** Tasks (running or pending) still on instances of another AMI. */
  readonly tasksOnOldAmi: number;
  readonly unsteadyServices: readonly ServiceState[];
  /** No instance of another AMI is left and every service is steady. */
  readonly done: boolean;
}

export function rolloutStatus(state: ClusterState, amiId: string): RolloutStatus {
  // An instance whose AMI ECS does not report counts as old: better to wait than to stop early.
  const oldInstances = state.instances.filter((instance) => instance.amiId !== amiId);
  const unsteadyServices = state.services.filter((service) => !service.steady);
  return {
    oldInstances,
    tasksOnOldAmi: oldInstances.reduce((sum, i) => sum + i.runningTasks + i.pendingTasks, 0),
    unsteadyServices,
    done: oldInstances.length === 0 && unsteadyServices.length === 0,
  };
}

/** What is still pending, in one line, for the timeout message. */
export function describePending(status: RolloutStatus): string {
  const parts: string[] = [];
  if (status.oldInstances.length > 0) {
    const instances = status.oldInstances
      .map((i) => `${i.instanceId} ${i.status} ${i.runningTasks + i.pendingTasks} tasks`)
      .join(", ");
    parts.push(`${status.oldInstances.length} instance(s) on another AMI (${instances})`);
  }
  if (status.unsteadyServices.length > 0) {
    const services = status.unsteadyServices.map((s) => `${s.name} ${s.running}/${s.desired}`);
    parts.push(`service(s) not steady: ${services.join(", ")}`);
  }
  return parts.join("; ");
}

/** The columns shown for an instance: id, ASG, AMI, AZ, status, tasks. */
export function instanceColumns(instance: InstanceState): string[] {
  return [
    instance.instanceId,
    instance.asgName ?? "(no ASG)",
    instance.amiId ?? "(AMI unknown)",
    instance.availabilityZone ?? "(AZ unknown)",
    instance.status,
    `${instance.runningTasks} running${instance.pendingTasks ? `, ${instance.pendingTasks} pending` : ""}`,
  ];
}

export function serviceSummary(service: ServiceState): string {
  return `service ${service.name} ${service.running}/${service.desired} running${service.steady ? ", steady" : ""}`;
}

/** One line per instance or service that appeared, changed or went away since `previous`. */
export function changedLines(previous: ClusterState | undefined, current: ClusterState): string[] {
  const lines = (state: ClusterState | undefined) =>
    new Map<string, string>([
      ...(state?.instances ?? []).map((i): [string, string] => [
        `instance ${i.instanceId}`,
        instanceColumns(i).join("  "),
      ]),
      ...(state?.services ?? []).map((s): [string, string] => [
        `service ${s.name}`,
        serviceSummary(s),
      ]),
    ]);
  const before = lines(previous);
  const after = lines(current);
  const out = [...after].filter(([key, line]) => before.get(key) !== line).map(([, line]) => line);
  for (const key of before.keys()) if (!after.has(key)) out.push(`${key} gone`);
  return out;
}
