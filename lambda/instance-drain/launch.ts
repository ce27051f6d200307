import type { DrainConfig } from "./contract";
import {
  describeContainerInstance,
  findContainerInstanceArn,
  type ContainerInstanceState,
} from "./container-instance";
import type { DrainDependencies } from "./drain";
import { handOff } from "./own-topic";
import type { LifecycleRequest } from "./messages";
import { completeLifecycleAction, type LifecycleActionResult } from "./lifecycle-action";
import type { LogLevel } from "./log";
import { SAFETY_MARGIN_MS } from "./contract";

/**
 * Holds a launching instance in Pending:Wait until it is an ACTIVE container instance of the
 * cluster with its agent connected, then lets it into service (CONTINUE). One that has not
 * registered within `REGISTRATION_TIMEOUT_SECONDS` of the notification is abandoned, and Auto
 * Scaling replaces it: so a new group only reaches its capacity, and Terraform only goes on to
 * delete the old group, with instances that can take tasks. It never drains anything.
 */
export async function admitInstance(
  deps: DrainDependencies,
  config: DrainConfig,
  request: LifecycleRequest,
): Promise<void> {
  const { clock, ecs } = deps;
  const { notification, cluster } = request;
  const decide = (level: LogLevel, action: string, message: string, fields: object = {}) =>
    deps.log({ level, action, message, instanceId: notification.instanceId, cluster, ...fields });
  const complete = async (result: LifecycleActionResult, level: LogLevel, reason: string) => {
    const outcome = await completeLifecycleAction(deps.autoScaling, notification, result);
    const waitedSeconds = Math.round((clock.now() - notification.issuedAt) / 1000);
    if (outcome === "already-done") {
      decide(level, "already-complete", `No active lifecycle action left (${reason})`, {
        waitedSeconds,
      });
    } else {
      decide(level, result === "CONTINUE" ? "admit" : "abandon", `${result}: ${reason}`, {
        waitedSeconds,
      });
    }
  };

  const deadline = notification.issuedAt + config.registrationTimeoutMs;
  let arn: string | undefined;
  for (;;) {
    const observedAt = clock.now();
    arn ??= await findContainerInstanceArn(ecs, cluster, notification.instanceId);
    const instance =
      arn === undefined ? undefined : await describeContainerInstance(ecs, cluster, arn);
    if (instance === undefined) arn = undefined;
    if (canTakeTasks(instance)) {
      return complete(
        "CONTINUE",
        "info",
        "registered with the cluster, ACTIVE and agent connected",
      );
    }
    if (observedAt >= deadline) {
      const state = instance
        ? `${instance.status}, agent ${instance.agentConnected ? "connected" : "disconnected"}`
        : "not registered";
      return complete(
        "ABANDON",
        "warn",
        `not usable by the cluster within REGISTRATION_TIMEOUT_SECONDS (${config.registrationTimeoutMs / 1000}): ${state}`,
      );
    }
    const nextPollAt = Math.min(observedAt + config.pollMs, deadline);
    if (nextPollAt + SAFETY_MARGIN_MS > request.invocationDeadline) {
      await handOff(deps.sns, request);
      decide("info", "hand-off", "Out of time: re-published the notification", {
        topicArn: request.topicArn,
      });
      return;
    }
    await clock.sleep(Math.max(0, nextPollAt - clock.now()));
  }
}

function canTakeTasks(instance: ContainerInstanceState | undefined): boolean {
  return instance?.status === "ACTIVE" && instance.agentConnected;
}
