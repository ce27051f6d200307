/**
 * The apps a rehearsal runs on the cluster (this project's stacks create none: the team deploys
 * its web apps as ECS services), seeded in the simulated ECS with the load balancer in front of
 * them, and what the load balancer saw, as the report's figures.
 */
import type { StageName } from "../../config/stages";
import { isHealthy, type ServiceSettings } from "../aws/ecs-model";
import type { SimulatedAws } from "../aws/simulation";

/** A service as a scenario seeds it; the cluster is the stage's. */
export type AppService = Omit<ServiceSettings, "cluster">;

/**
 * By stage: staging's one instance runs a web app of two tasks and an API of one; production's
 * two instances in two AZs run two tasks of each, which must end spread across both AZs. ECS's
 * defaults otherwise (minimum healthy 100 %, maximum 200 %, a 300 s deregistration delay).
 */
export const APP_SERVICES: Readonly<Record<StageName, readonly AppService[]>> = {
  staging: [
    { serviceName: "web", desiredCount: 2 },
    { serviceName: "api", desiredCount: 1 },
  ],
  production: [
    { serviceName: "web", desiredCount: 2 },
    { serviceName: "api", desiredCount: 2 },
  ],
};

/** Seeds `services` in `cluster` and waits (real time) until each is at its desired count. */
export async function seedServices(
  aws: SimulatedAws,
  cluster: string,
  services: readonly AppService[],
): Promise<void> {
  const seeded = services.map((service) => aws.ecs.createService({ ...service, cluster }));
  const steady = () =>
    seeded.every(
      (service) =>
        aws.ecs.scheduler.tasksOf(service).filter(isHealthy).length >= service.desiredCount,
    );
  while (!steady()) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** What the load balancer counted, over all services, and each service as it is now. */
export function trafficOf(aws: SimulatedAws) {
  const traffic = aws.traffic();
  return {
    sent: traffic.reduce((sum, t) => sum + t.sent, 0),
    dropped: traffic.reduce((sum, t) => sum + t.dropped, 0),
    longestBelowDesiredMs: Math.max(0, ...traffic.map((t) => t.longestBelowDesiredSeconds * 1000)),
    services: aws.ecs.scheduler.services.map((service) => ({
      name: service.serviceName,
      desired: service.desiredCount,
      running: aws.ecs.scheduler.tasksOf(service).filter(isHealthy).length,
      zones: [
        ...new Set(
          aws.ecs.scheduler
            .tasksOf(service)
            .filter(isHealthy)
            .map((t) => t.availabilityZone),
        ),
      ].sort(),
    })),
  };
}
