/**
 * ECS's service scheduler and task lifecycle, as a rollout meets them:
 *
 * - a task starts PENDING on an instance chosen by its service's placement, is RUNNING after its
 *   start delay and HEALTHY after its health check (then it is registered with the target group);
 * - every service is kept at its desired count: a task that stopped, or died with its instance,
 *   is replaced wherever there is room;
 * - on a DRAINING instance, replacements start elsewhere first, within `maximumPercent` (live
 *   tasks ≤ ⌊desired × maximum / 100⌋), and a service task there is stopped only while the
 *   healthy count stays ≥ ⌈desired × minimumHealthyPercent / 100⌉; a stopping task is
 *   deregistered at once and reaches STOPPED after the deregistration delay. Standalone tasks and
 *   daemon services' tasks stay; a daemon runs one task on every ACTIVE instance.
 */
import type { SimulatedClock } from "../clock";
import {
  isHealthy,
  isLive,
  isWanted,
  registeredResources,
  type ContainerInstance,
  type Service,
  type ServiceSettings,
  type Task,
} from "./ecs-model";
import { ACCOUNT_ID } from "./service";
import { placeTask } from "./task-placement";

/** What the scheduler tells the rest of the simulation. */
export interface SchedulerEvents {
  log(event: string): void;
  /** A task's state changed (the load balancer recounts its targets). */
  taskChanged(
    task: Task,
    change: "started" | "running" | "healthy" | "deregistered" | "stopped" | "killed",
  ): void;
  /** Whether tasks on instances of this AMI pass health checks (a fault knob). */
  healthyOn(imageId: string): boolean;
}

export interface Registration {
  readonly cluster: string;
  readonly ec2InstanceId: string;
  readonly region: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  readonly imageId: string;
}

const STOPPED_TASKS_KEPT_MS = 3600_000;

export class EcsScheduler {
  readonly instances: ContainerInstance[] = [];
  readonly tasks: Task[] = [];
  readonly services: Service[] = [];
  private serial = 0;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly events: SchedulerEvents,
  ) {}

  /** The ECS agent of an EC2 instance has registered it with its cluster. */
  register(registration: Registration): ContainerInstance {
    const { cluster, region } = registration;
    const instance: ContainerInstance = {
      ...registration,
      containerInstanceArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:container-instance/${cluster}/${this.hexId()}`,
      status: "ACTIVE",
      agentConnected: true,
      registeredAt: this.clock.now(),
      resources: registeredResources(registration.instanceType),
    };
    this.instances.push(instance);
    this.reconcile(cluster);
    return instance;
  }

  /** The EC2 instance has terminated: its tasks die at once and its container instance leaves. */
  instanceGone(ec2InstanceId: string): void {
    const gone = this.instances.filter((i) => i.ec2InstanceId === ec2InstanceId);
    for (const instance of gone) {
      const killed = this.tasks.filter(
        (t) => t.containerInstanceArn === instance.containerInstanceArn && isLive(t),
      );
      for (const task of killed) this.stop(task, "Host EC2 instance terminated", "killed");
      this.instances.splice(this.instances.indexOf(instance), 1);
      this.reconcile(instance.cluster);
    }
  }

  /** UpdateContainerInstancesState. */
  setStatus(instance: ContainerInstance, status: ContainerInstance["status"]): void {
    if (instance.status === status) return;
    instance.status = status;
    this.events.log(`${instance.ec2InstanceId} ${status}`);
    this.reconcile(instance.cluster);
  }

  createService(settings: ServiceSettings, clusterArn: string, region: string): Service {
    if (
      this.services.some(
        (s) => s.cluster === settings.cluster && s.serviceName === settings.serviceName,
      )
    ) {
      throw new Error(`service ${settings.serviceName} already exists in ${settings.cluster}`);
    }
    const service: Service = {
      minimumHealthyPercent: 100,
      maximumPercent: 200,
      healthCheckSeconds: 30,
      deregistrationDelaySeconds: 300,
      startSeconds: 10,
      placement: "spread-az",
      schedulingStrategy: "REPLICA",
      taskSize: { cpu: 256, memory: 512 },
      ...settings,
      serviceArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:service/${settings.cluster}/${settings.serviceName}`,
      clusterArn,
      createdAt: this.clock.now(),
    };
    this.services.push(service);
    this.reconcile(settings.cluster);
    return service;
  }

  /** A standalone task (RunTask) on a given instance: no service replaces or moves it. */
  runTask(instance: ContainerInstance, family: string, startedBy?: string): Task {
    const task = this.start(instance, `family:${family}`, family, undefined, startedBy);
    this.clock.after(10_000, () => this.running(task, undefined));
    return task;
  }

  /** The tasks of a service, all of them (STOPPED ones until ECS forgets them). */
  tasksOf(service: Service): Task[] {
    return this.tasks.filter(
      (t) => t.cluster === service.cluster && t.serviceName === service.serviceName,
    );
  }

  /** Tasks ECS still reports: stopped ones are forgotten an hour after they stopped. */
  known(task: Task): boolean {
    return (
      task.stoppedAt === undefined || this.clock.now() - task.stoppedAt < STOPPED_TASKS_KEPT_MS
    );
  }

  /** Brings every service of the cluster towards its desired count. */
  reconcile(cluster: string): void {
    for (const service of this.services.filter((s) => s.cluster === cluster)) {
      if (service.schedulingStrategy === "DAEMON") this.reconcileDaemon(service);
      else this.reconcileReplicas(service);
    }
  }

  private reconcileDaemon(service: Service): void {
    const tasks = this.tasksOf(service).filter(isLive);
    for (const instance of this.instances) {
      if (instance.cluster !== service.cluster || instance.status !== "ACTIVE") continue;
      if (tasks.some((t) => t.containerInstanceArn === instance.containerInstanceArn)) continue;
      this.startServiceTask(service, instance);
    }
  }

  /** UpdateService with forceNewDeployment: every task now running is replaced. */
  forceNewDeployment(service: Service): void {
    service.deployedAt = this.clock.now();
    this.events.log(`service ${service.serviceName}: new deployment forced`);
    this.reconcile(service.cluster);
  }

  /** A task of an older deployment than the service's last forced one. */
  outdated(task: Task, service: Service): boolean {
    return service.deployedAt !== undefined && task.createdAt < service.deployedAt;
  }

  private reconcileReplicas(service: Service): void {
    const onDraining = (t: Task) =>
      this.instanceOf(t)?.status === "DRAINING" || this.outdated(t, service);
    const desired = service.desiredCount;
    const maxLive = Math.floor((desired * service.maximumPercent) / 100);
    const minHealthy = Math.ceil((desired * service.minimumHealthyPercent) / 100);
    // Replacements first: on ACTIVE instances, within the maximum.
    for (;;) {
      const tasks = this.tasksOf(service);
      const wantedActive = tasks.filter((t) => isWanted(t) && !onDraining(t)).length;
      const live = tasks.filter(isLive).length;
      if (wantedActive >= desired || live >= maxLive) break;
      const instance = placeTask(
        service.placement,
        service.taskSize,
        // A new deployment is placed on its own: the tasks it replaces do not count.
        tasks.filter((t) => !this.outdated(t, service)),
        this.instances.filter((i) => i.cluster === service.cluster),
        this.tasks,
      );
      if (instance === undefined) break;
      this.startServiceTask(service, instance);
    }
    // Then stop what is on DRAINING instances, or beyond the desired count, keeping the minimum.
    const tasks = this.tasksOf(service);
    const wanted = tasks.filter(isWanted);
    let healthy = wanted.filter(isHealthy).length;
    const excess = wanted.filter((t) => !onDraining(t)).length - desired;
    const extra = excess > 0 ? wanted.filter((t) => !onDraining(t)).slice(-excess) : [];
    // Tasks that do not count as healthy go first: stopping them costs nothing.
    const candidates = [...wanted.filter(onDraining), ...extra].sort(
      (a, b) => Number(isHealthy(a)) - Number(isHealthy(b)),
    );
    for (const task of candidates) {
      if (isHealthy(task)) {
        if (healthy - 1 < minHealthy) continue;
        healthy -= 1;
      }
      this.beginStopping(
        task,
        service,
        onDraining(task)
          ? "Container instance is draining"
          : "Scaling activity initiated by deployment",
      );
    }
  }

  private startServiceTask(service: Service, instance: ContainerInstance): void {
    const task = this.start(
      instance,
      `service:${service.serviceName}`,
      service.serviceName,
      service,
      `ecs-svc/${service.serviceName}`,
    );
    this.clock.after(service.startSeconds * 1000, () => this.running(task, service));
  }

  private start(
    instance: ContainerInstance,
    group: string,
    family: string,
    service: Service | undefined,
    startedBy: string | undefined,
  ): Task {
    const region = instance.containerInstanceArn.split(":")[3];
    const task: Task = {
      taskArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:task/${instance.cluster}/${this.hexId()}`,
      cluster: instance.cluster,
      taskDefinitionArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:task-definition/${family}:1`,
      group,
      serviceName: service?.serviceName,
      startedBy,
      containerInstanceArn: instance.containerInstanceArn,
      ec2InstanceId: instance.ec2InstanceId,
      availabilityZone: instance.availabilityZone,
      size: service?.taskSize ?? { cpu: 256, memory: 512 },
      lastStatus: "PENDING",
      desiredStatus: "RUNNING",
      healthStatus: "UNKNOWN",
      registered: false,
      createdAt: this.clock.now(),
    };
    this.tasks.push(task);
    this.events.log(
      `task ${shortId(task)} of ${family} PENDING on ${instance.ec2InstanceId} (${instance.availabilityZone})`,
    );
    this.events.taskChanged(task, "started");
    return task;
  }

  private running(task: Task, service: Service | undefined): void {
    if (task.lastStatus !== "PENDING" || task.desiredStatus !== "RUNNING") return;
    task.lastStatus = "RUNNING";
    task.startedAt = this.clock.now();
    this.events.taskChanged(task, "running");
    if (service === undefined) return;
    this.clock.after(service.healthCheckSeconds * 1000, () => {
      if (!isWanted(task)) return;
      const instance = this.instanceOf(task);
      if (instance === undefined || !this.events.healthyOn(instance.imageId)) {
        task.healthStatus = "UNHEALTHY";
        this.events.log(
          `task ${shortId(task)} of ${service.serviceName} UNHEALTHY on ${task.ec2InstanceId}`,
        );
        return;
      }
      task.healthStatus = "HEALTHY";
      task.registered = service.schedulingStrategy === "REPLICA";
      this.events.log(
        `task ${shortId(task)} of ${service.serviceName} HEALTHY on ${task.ec2InstanceId}`,
      );
      this.events.taskChanged(task, "healthy");
      this.reconcile(service.cluster);
    });
  }

  /** Desired STOPPED: deregistered at once, STOPPED after the deregistration delay. */
  private beginStopping(task: Task, service: Service, reason: string): void {
    task.desiredStatus = "STOPPED";
    task.stoppingAt = this.clock.now();
    task.stoppedReason = reason;
    const wasRegistered = task.registered;
    task.registered = false;
    this.events.log(
      `task ${shortId(task)} of ${service.serviceName} stopping on ${task.ec2InstanceId}: ${reason}`,
    );
    this.events.taskChanged(task, "deregistered");
    const delay = wasRegistered ? service.deregistrationDelaySeconds * 1000 : 0;
    this.clock.after(delay, () => {
      if (isLive(task)) this.stop(task, reason, "stopped");
      this.reconcile(service.cluster);
    });
  }

  private stop(task: Task, reason: string, change: "stopped" | "killed"): void {
    task.lastStatus = "STOPPED";
    task.desiredStatus = "STOPPED";
    task.stoppedAt = this.clock.now();
    task.stoppedReason ??= reason;
    this.events.taskChanged(task, change);
    task.registered = false;
    this.events.log(`task ${shortId(task)} STOPPED on ${task.ec2InstanceId}: ${reason}`);
    const instance = this.instanceOf(task);
    if (
      instance?.status === "DRAINING" &&
      !this.tasks.some((t) => t.containerInstanceArn === instance.containerInstanceArn && isLive(t))
    ) {
      this.events.log(`${instance.ec2InstanceId} has no tasks left`);
    }
  }

  instanceOf(task: Task): ContainerInstance | undefined {
    return this.instances.find((i) => i.containerInstanceArn === task.containerInstanceArn);
  }

  private hexId(): string {
    return (++this.serial).toString(16).padStart(32, "0");
  }
}

const shortId = (task: Task) => task.taskArn.slice(-6);
