/**
 * The load balancer's accounting and the task placement on their own, with AWS time moved by
 * hand: requests per interval at the configured rate, dropped while no target is registered or
 * in flight on a task killed while registered, time below the desired count; spread and binpack.
 */
import { virtualClock } from "../../../simulation/clock";
import type { ContainerInstance, Service, Task } from "../../../simulation/aws/ecs-model";
import { SimulatedLoadBalancer } from "../../../simulation/aws/load-balancer";
import { placeTask } from "../../../simulation/aws/task-placement";

/** AWS time that moves only when the test says so. */
const service = (desiredCount: number) =>
  ({ cluster: "c", serviceName: "web", desiredCount, schedulingStrategy: "REPLICA" }) as Service;

const task = (n: number, az = "us-east-1a", instance = `ci-${n}`): Task =>
  ({
    taskArn: `arn:task/c/${n.toString().padStart(6, "0")}`,
    cluster: "c",
    serviceName: "web",
    containerInstanceArn: instance,
    availabilityZone: az,
    size: { cpu: 256, memory: 512 },
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    healthStatus: "HEALTHY",
    registered: true,
  }) as Task;

function balancer(desired: number, tasks: Task[], requestsPerSecond = 10) {
  const clock = virtualClock(1_000_000);
  const log: string[] = [];
  const lb = new SimulatedLoadBalancer(clock, (e) => log.push(e), { requestsPerSecond });
  lb.track(service(desired), () => tasks);
  // The service is steady once its tasks are healthy.
  lb.taskChanged(tasks[0], "healthy");
  return { clock, lb, log, summary: () => lb.summary()[0] };
}

describe("the simulated load balancer", () => {
  it("sends rate × AWS time, fractions carried, and drops none while targets serve", () => {
    const tasks = [task(1), task(2)];
    const { clock, summary } = balancer(2, tasks, 3);
    clock.advance(10_500);
    expect(summary()).toMatchObject({ sent: 31, dropped: 0 });
    clock.advance(500);
    expect(summary()).toMatchObject({ sent: 33, dropped: 0 });
  });

  it("drops every request of an interval without a registered target", () => {
    const tasks = [task(1)];
    const { clock, lb, summary } = balancer(1, tasks);
    clock.advance(5_000);
    tasks[0].registered = false;
    tasks[0].desiredStatus = "STOPPED";
    lb.taskChanged(tasks[0], "deregistered");
    clock.advance(20_000);
    expect(summary()).toMatchObject({ sent: 250, dropped: 200, minHealthy: 0 });
    expect(summary().longestBelowDesiredSeconds).toBe(20);
  });

  it("drops a killed registered task's share of the requests in flight", () => {
    const tasks = [task(1), task(2)];
    const { lb, log, summary } = balancer(2, tasks);
    tasks[0].lastStatus = "STOPPED";
    lb.taskChanged(tasks[0], "killed");
    // 10 requests a second for one second, over two targets: 5 were on the killed one.
    expect(summary()).toMatchObject({ dropped: 5, minHealthy: 1 });
    expect(log).toContain("web: 5 requests dropped, task 000001 killed while registered");
    expect(log).toContain("service web below desired: 1 of 2 healthy");
  });

  it("does not count a deregistered task that stops after its delay", () => {
    const tasks = [task(1), task(2), task(3)];
    const { clock, lb, summary } = balancer(2, tasks);
    tasks[0].registered = false;
    tasks[0].desiredStatus = "STOPPED";
    lb.taskChanged(tasks[0], "deregistered");
    clock.advance(300_000);
    tasks[0].lastStatus = "STOPPED";
    lb.taskChanged(tasks[0], "stopped");
    expect(summary()).toMatchObject({ dropped: 0, minHealthy: 2, longestBelowDesiredSeconds: 0 });
  });

  it("reports tasks ECS wants by Availability Zone", () => {
    const { summary } = balancer(3, [
      task(1, "us-east-1a"),
      task(2, "us-east-1b"),
      task(3, "us-east-1b"),
    ]);
    expect(summary().tasksByAz).toEqual({ "us-east-1a": 1, "us-east-1b": 2 });
  });
});

describe("task placement", () => {
  const instance = (arn: string, az: string, memory = 8000): ContainerInstance =>
    ({
      containerInstanceArn: arn,
      availabilityZone: az,
      status: "ACTIVE",
      agentConnected: true,
      resources: { cpu: 4096, memory },
    }) as ContainerInstance;
  const size = { cpu: 256, memory: 512 };

  it("spreads to the Availability Zone with the fewest of the service's tasks", () => {
    const instances = [instance("a1", "us-east-1a"), instance("b1", "us-east-1b")];
    const tasks = [task(1, "us-east-1a", "a1")];
    expect(placeTask("spread-az", size, tasks, instances, tasks)?.containerInstanceArn).toBe("b1");
  });

  it("binpacks onto the instance with the least memory left that fits", () => {
    const instances = [instance("roomy", "us-east-1a"), instance("tight", "us-east-1b", 1200)];
    const tasks = [task(1, "us-east-1b", "tight")];
    expect(placeTask("binpack", size, tasks, instances, tasks)?.containerInstanceArn).toBe("tight");
    const full = [...tasks, task(2, "us-east-1b", "tight")];
    expect(placeTask("binpack", size, full, instances, full)?.containerInstanceArn).toBe("roomy");
  });

  it("places nothing on an instance whose agent is disconnected", () => {
    const instances = [{ ...instance("a1", "us-east-1a"), agentConnected: false }];
    expect(placeTask("spread-az", size, [], instances, [])).toBeUndefined();
  });
});
