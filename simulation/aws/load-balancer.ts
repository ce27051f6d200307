/**
 * A load balancer in front of every replica service, counting what a rollout costs its users.
 * Requests arrive at a fixed rate of AWS time per service, round-robin over the targets: tasks
 * RUNNING, HEALTHY and registered (not deregistering). Requests are counted per interval between
 * changes of the target set rather than sent one by one: those arriving while a service has no
 * target are dropped, and a task killed while still registered (its instance terminated, or
 * stopped before deregistering) drops the requests it had in flight, its share of
 * `rate × requestSeconds`. Counting starts when the service first reaches its desired count of
 * healthy tasks, so the initial start-up is not counted as an outage.
 */
import type { SimulatedClock } from "../clock";
import { isHealthy, isWanted, type Service, type Task } from "./ecs-model";

export interface LoadBalancerOptions {
  /** Requests per AWS second to each service. @default 10 */
  readonly requestsPerSecond?: number;
  /** AWS seconds a request takes: what a killed target had in flight. @default 1 */
  readonly requestSeconds?: number;
}

export interface ServiceTraffic {
  readonly service: string;
  readonly sent: number;
  readonly dropped: number;
  /** The longest AWS time the service had fewer healthy tasks than desired, since first steady. */
  readonly longestBelowDesiredSeconds: number;
  /** The fewest healthy tasks since the service first reached its desired count. */
  readonly minHealthy: number;
  readonly desired: number;
  /** Tasks ECS wants running, by Availability Zone. */
  readonly tasksByAz: Readonly<Record<string, number>>;
}

interface Tracked {
  readonly service: Service;
  readonly tasks: () => readonly Task[];
  steady: boolean;
  sent: number;
  dropped: number;
  /** Fractions of a request not yet counted. */
  carry: number;
  lastAt: number;
  targets: number;
  belowSince?: number;
  longestBelowMs: number;
  minHealthy: number;
}

export class SimulatedLoadBalancer {
  private readonly tracked: Tracked[] = [];
  private readonly rate: number;
  private readonly requestSeconds: number;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly log: (event: string) => void,
    options: LoadBalancerOptions = {},
  ) {
    this.rate = options.requestsPerSecond ?? 10;
    this.requestSeconds = options.requestSeconds ?? 1;
  }

  /** Puts a replica service behind the load balancer. */
  track(service: Service, tasks: () => readonly Task[]): void {
    if (service.schedulingStrategy !== "REPLICA") return;
    this.tracked.push({
      service,
      tasks,
      steady: false,
      sent: 0,
      dropped: 0,
      carry: 0,
      lastAt: this.clock.now(),
      targets: 0,
      longestBelowMs: 0,
      minHealthy: service.desiredCount,
    });
  }

  /** A task changed: count the interval before the change, then the new target set. */
  taskChanged(task: Task, change: string): void {
    const tracked = this.tracked.find(
      (t) => t.service.cluster === task.cluster && t.service.serviceName === task.serviceName,
    );
    if (tracked === undefined) return;
    const now = this.clock.now();
    this.advance(tracked, now);
    if ((change === "killed" || change === "stopped") && task.registered && tracked.steady) {
      const inFlight = Math.ceil((this.rate * this.requestSeconds) / Math.max(1, tracked.targets));
      // Already counted as sent, in the interval before.
      tracked.dropped += inFlight;
      this.log(
        `${task.serviceName}: ${inFlight} requests dropped, task ${task.taskArn.slice(-6)} ${change} while registered`,
      );
    }
    this.recount(tracked, now);
  }

  summary(): ServiceTraffic[] {
    const now = this.clock.now();
    return this.tracked.map((tracked) => {
      this.advance(tracked, now);
      const below = tracked.belowSince === undefined ? 0 : now - tracked.belowSince;
      const tasksByAz: Record<string, number> = {};
      for (const task of tracked.tasks().filter(isWanted)) {
        tasksByAz[task.availabilityZone] = (tasksByAz[task.availabilityZone] ?? 0) + 1;
      }
      return {
        service: tracked.service.serviceName,
        sent: tracked.sent,
        dropped: tracked.dropped,
        longestBelowDesiredSeconds: Math.max(tracked.longestBelowMs, below) / 1000,
        minHealthy: tracked.minHealthy,
        desired: tracked.service.desiredCount,
        tasksByAz,
      };
    });
  }

  private advance(tracked: Tracked, now: number): void {
    if (tracked.steady) {
      const requests = (this.rate * (now - tracked.lastAt)) / 1000 + tracked.carry;
      const whole = Math.floor(requests);
      tracked.carry = requests - whole;
      tracked.sent += whole;
      if (tracked.targets === 0) tracked.dropped += whole;
    }
    tracked.lastAt = now;
  }

  private recount(tracked: Tracked, now: number): void {
    const tasks = tracked.tasks();
    tracked.targets = tasks.filter((t) => t.registered && isHealthy(t)).length;
    const healthy = tasks.filter(isHealthy).length;
    const desired = tracked.service.desiredCount;
    if (!tracked.steady) {
      if (healthy < desired) return;
      tracked.steady = true;
      tracked.minHealthy = healthy;
      return;
    }
    tracked.minHealthy = Math.min(tracked.minHealthy, healthy);
    const name = tracked.service.serviceName;
    if (healthy < desired && tracked.belowSince === undefined) {
      tracked.belowSince = now;
      this.log(`service ${name} below desired: ${healthy} of ${desired} healthy`);
    } else if (healthy >= desired && tracked.belowSince !== undefined) {
      tracked.longestBelowMs = Math.max(tracked.longestBelowMs, now - tracked.belowSince);
      tracked.belowSince = undefined;
      this.log(`service ${name} back to desired: ${healthy} of ${desired} healthy`);
    }
  }
}
