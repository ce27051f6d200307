/**
 * ECS (JSON 1.1): the API surface. Clusters as the provider uses them for `aws_ecs_cluster`;
 * container instances, tasks and services as the drain function reads and moves them
 * (`ListContainerInstances`, `DescribeContainerInstances`, `UpdateContainerInstancesState`,
 * `ListTasks`, `DescribeTasks`, `DescribeServices`). What happens to tasks is the scheduler's
 * (`ecs-scheduler.ts`); the rehearsal seeds services with {@link SimulatedEcs.createService}.
 */
import type { Account } from "./account";
import type { SimulatedClock } from "../clock";
import {
  isLive,
  isWanted,
  remainingResources,
  type ContainerInstance,
  type Service,
  type ServiceSettings,
  type Task,
} from "./ecs-model";
import { EcsScheduler, type Registration, type SchedulerEvents } from "./ecs-scheduler";
import type { Faults } from "./faults";
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

interface Cluster {
  readonly clusterArn: string;
  readonly clusterName: string;
  status: string;
  readonly settings: { name: string; value: string }[];
  readonly tags: { key: string; value: string }[];
  readonly configuration?: object;
}

/** ECS's default and largest page of list results. */
const PAGE_SIZE = 100;

type Params = Record<string, unknown> & {
  cluster?: string;
  containerInstance?: string;
  containerInstances?: string[];
  tasks?: string[];
  services?: string[];
  status?: string;
  desiredStatus?: string;
  serviceName?: string;
  family?: string;
  startedBy?: string;
  filter?: string;
  maxResults?: number;
  nextToken?: string;
};

export class SimulatedEcs implements SimulatedService {
  readonly signingName = "ecs";
  readonly clusters = new Map<string, Cluster>();
  readonly scheduler: EcsScheduler;
  /** Called for every service created, so the load balancer can front it. */
  serviceCreated: (service: Service, tasks: () => readonly Task[]) => void = () => undefined;

  constructor(
    private readonly clock: SimulatedClock,
    events: SchedulerEvents,
    private readonly faults: Faults,
    private readonly region = "us-east-1",
    /** Clusters that exist beside the simulation's own (what `check` finds), by name. */
    private readonly account?: () => Account,
  ) {
    this.scheduler = new EcsScheduler(clock, events);
  }

  /** The ECS agent of an EC2 instance has registered it with its cluster. */
  register(registration: Registration): ContainerInstance {
    return this.scheduler.register(registration);
  }

  /** The EC2 instance has terminated: its tasks die and its container instance leaves. */
  deregister(ec2InstanceId: string): void {
    this.scheduler.instanceGone(ec2InstanceId);
  }

  /** Seeds a service (the web apps are not created by this project's stacks). */
  createService(settings: ServiceSettings): Service {
    const cluster = this.cluster(settings.cluster);
    const service = this.scheduler.createService(
      { ...settings, cluster: cluster.clusterName },
      cluster.clusterArn,
      this.region,
    );
    this.serviceCreated(service, () => this.scheduler.tasksOf(service));
    return service;
  }

  /** Scales a service to zero and removes it (what DeleteService with force does). */
  deleteService(cluster: string, serviceName: string): void {
    const service = this.service(cluster, serviceName);
    service.desiredCount = 0;
    this.scheduler.reconcile(service.cluster);
    this.scheduler.services.splice(this.scheduler.services.indexOf(service), 1);
  }

  /** A standalone task (RunTask) on the instance: ECS never moves or replaces it. */
  runTask(ec2InstanceId: string, family: string): Task {
    const instance = this.scheduler.instances.find((i) => i.ec2InstanceId === ec2InstanceId);
    if (instance === undefined) throw new Error(`${ec2InstanceId} is not registered with ECS`);
    return this.scheduler.runTask(instance, family);
  }

  handle({ operation, params, region }: ServiceCall): object {
    this.faults.checkEcsCall(operation);
    const p = params as Params;
    switch (operation) {
      case "CreateCluster": {
        const name = (params.clusterName as string | undefined) ?? "default";
        const cluster: Cluster = {
          clusterArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:cluster/${name}`,
          clusterName: name,
          status: "ACTIVE",
          settings: (params.settings as Cluster["settings"] | undefined) ?? [],
          tags: (params.tags as Cluster["tags"] | undefined) ?? [],
          ...(params.configuration ? { configuration: params.configuration } : {}),
        };
        this.clusters.set(name, cluster);
        return { cluster: this.clusterView(cluster) };
      }
      case "DescribeClusters": {
        const refs = (params.clusters as string[] | undefined) ?? ["default"];
        const found = refs.map(
          (ref) => this.clusters.get(nameOf(ref)) ?? this.accountCluster(nameOf(ref), region),
        );
        return {
          clusters: found.filter((c) => c !== undefined).map((c) => this.clusterView(c)),
          failures: refs
            .filter((_, i) => found[i] === undefined)
            .map((arn) => ({ arn, reason: "MISSING" })),
        };
      }
      case "ListTagsForResource":
        return { tags: this.cluster(params.resourceArn as string).tags };
      case "UpdateCluster": {
        // The provider sets an imported cluster's settings (Container Insights) to the stack's.
        const cluster = this.cluster(p.cluster);
        const settings = (params.settings ?? []) as Cluster["settings"];
        cluster.settings.splice(0, cluster.settings.length, ...settings);
        return { cluster: this.clusterView(cluster) };
      }
      case "TagResource": {
        // The provider tags an imported cluster with the stack's default tags.
        const { tags } = this.cluster(params.resourceArn as string);
        for (const tag of (params.tags ?? []) as Cluster["tags"]) {
          tags.splice(0, tags.length, ...tags.filter((t) => t.key !== tag.key), tag);
        }
        return {};
      }
      case "DeleteCluster":
        return { cluster: this.deleteCluster(this.cluster(p.cluster)) };
      case "ListContainerInstances": {
        const cluster = this.cluster(p.cluster).clusterName;
        const wanted = /ec2InstanceId\s*==\s*(\S+)/.exec(p.filter ?? "")?.[1];
        const instances = this.scheduler.instances.filter(
          (i) =>
            i.cluster === cluster &&
            (wanted === undefined || i.ec2InstanceId === wanted) &&
            (p.status === undefined || i.status === p.status),
        );
        const page = paginate(instances, p);
        return {
          containerInstanceArns: page.items.map((i) => i.containerInstanceArn),
          ...page.next,
        };
      }
      case "DescribeContainerInstances":
        return this.describeInstances(p, (i) => i);
      case "UpdateContainerInstancesState": {
        if (p.status !== "ACTIVE" && p.status !== "DRAINING") {
          throw new AwsError("InvalidParameterException", `Invalid status: ${String(p.status)}`);
        }
        const status = p.status;
        return this.describeInstances(p, (instance) => {
          this.scheduler.setStatus(instance, status);
          return instance;
        });
      }
      case "ListTasks": {
        const cluster = this.cluster(p.cluster).clusterName;
        // ECS lists tasks desired RUNNING unless asked for STOPPED ones.
        const desiredStatus = p.desiredStatus ?? "RUNNING";
        const tasks = this.scheduler.tasks.filter(
          (t) =>
            t.cluster === cluster &&
            this.scheduler.known(t) &&
            t.desiredStatus === desiredStatus &&
            (p.containerInstance === undefined || t.containerInstanceArn === p.containerInstance) &&
            (p.serviceName === undefined || t.serviceName === p.serviceName) &&
            (p.family === undefined || t.group === `family:${p.family}`) &&
            (p.startedBy === undefined || t.startedBy === p.startedBy),
        );
        const page = paginate(tasks, p);
        return { taskArns: page.items.map((t) => t.taskArn), ...page.next };
      }
      case "DescribeTasks": {
        const cluster = this.cluster(p.cluster).clusterName;
        const arns = p.tasks ?? [];
        const found = arns.map((arn) =>
          this.scheduler.tasks.find(
            (t) => t.cluster === cluster && t.taskArn === arn && this.scheduler.known(t),
          ),
        );
        return {
          tasks: found.filter((t) => t !== undefined).map((t) => this.taskView(t)),
          failures: arns
            .filter((_, i) => found[i] === undefined)
            .map((arn) => ({ arn, reason: "MISSING" })),
        };
      }
      case "DescribeServices": {
        const cluster = this.cluster(p.cluster).clusterName;
        const names = p.services ?? [];
        const found = names.map((name) =>
          this.scheduler.services.find(
            (s) => s.cluster === cluster && s.serviceName === nameOf(name),
          ),
        );
        return {
          services: found.filter((s) => s !== undefined).map((s) => this.serviceView(s)),
          failures: names
            .filter((_, i) => found[i] === undefined)
            .map((arn) => ({ arn, reason: "MISSING" })),
        };
      }
      case "ListServices": {
        const cluster = this.cluster(p.cluster).clusterName;
        const page = paginate(
          this.scheduler.services.filter((s) => s.cluster === cluster),
          { ...p, maxResults: Math.min(p.maxResults ?? 10, 100) },
        );
        return { serviceArns: page.items.map((s) => s.serviceArn), ...page.next };
      }
      case "UpdateService": {
        const service = this.service(p.cluster ?? "default", nameOf(String(params.service)));
        if (params.forceNewDeployment === true) this.scheduler.forceNewDeployment(service);
        return { service: this.serviceView(service) };
      }
      default:
        throw new AwsError("InvalidAction", `simulated ECS has no ${operation}`);
    }
  }

  private accountCluster(name: string, region: string): Cluster | undefined {
    const cluster = this.account?.().clusters[name];
    if (cluster === undefined) return undefined;
    return {
      clusterArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:cluster/${name}`,
      clusterName: name,
      status: cluster.status,
      settings: [],
      tags: Object.entries(cluster.tags).map(([key, value]) => ({ key, value })),
    };
  }

  /** As ECS refuses: a cluster with registered instances, active services or tasks stays. */
  private deleteCluster(cluster: Cluster): object {
    const name = cluster.clusterName;
    if (this.scheduler.services.some((s) => s.cluster === name)) {
      throw new AwsError(
        "ClusterContainsServicesException",
        "The Cluster cannot be deleted while Services are active.",
      );
    }
    if (this.scheduler.instances.some((i) => i.cluster === name)) {
      throw new AwsError(
        "ClusterContainsContainerInstancesException",
        "The Cluster cannot be deleted while Container Instances are active or draining.",
      );
    }
    if (this.scheduler.tasks.some((t) => t.cluster === name && isLive(t))) {
      throw new AwsError(
        "ClusterContainsTasksException",
        "The Cluster cannot be deleted while Tasks are active.",
      );
    }
    cluster.status = "INACTIVE";
    this.clusters.delete(name);
    return this.clusterView(cluster);
  }

  /** Answers for the named container instances, after `act` on each one found. */
  private describeInstances(
    p: Params,
    act: (instance: ContainerInstance) => ContainerInstance,
  ): object {
    const cluster = this.cluster(p.cluster).clusterName;
    const arns = p.containerInstances ?? [];
    const found = arns.map((arn) =>
      this.scheduler.instances.find(
        // ECS takes a container instance's ARN or its id (the ARN's last part).
        (i) =>
          i.cluster === cluster &&
          (i.containerInstanceArn === arn || nameOf(i.containerInstanceArn) === arn),
      ),
    );
    return {
      containerInstances: found
        .filter((i) => i !== undefined)
        .map((i) => this.instanceView(act(i))),
      failures: arns
        .filter((_, i) => found[i] === undefined)
        .map((arn) => ({ arn, reason: "MISSING" })),
    };
  }

  private instanceView(instance: ContainerInstance): object {
    const tasks = this.scheduler.tasks.filter(
      (t) => t.containerInstanceArn === instance.containerInstanceArn,
    );
    const left = remainingResources(instance, this.scheduler.tasks);
    const resources = (cpu: number, memory: number) => [
      { name: "CPU", type: "INTEGER", integerValue: cpu },
      { name: "MEMORY", type: "INTEGER", integerValue: memory },
    ];
    return {
      containerInstanceArn: instance.containerInstanceArn,
      ec2InstanceId: instance.ec2InstanceId,
      status: instance.status,
      agentConnected: instance.agentConnected,
      registeredAt: instance.registeredAt / 1000,
      // ECS: desired status RUNNING (a task being stopped drops out at once), and PENDING.
      runningTasksCount: tasks.filter((t) => isWanted(t) && t.lastStatus === "RUNNING").length,
      pendingTasksCount: tasks.filter((t) => isWanted(t) && t.lastStatus === "PENDING").length,
      registeredResources: resources(instance.resources.cpu, instance.resources.memory),
      remainingResources: resources(left.cpu, left.memory),
      attributes: [
        { name: "ecs.availability-zone", value: instance.availabilityZone },
        { name: "ecs.instance-type", value: instance.instanceType },
        { name: "ecs.ami-id", value: instance.imageId },
      ],
      tags: [],
    };
  }

  private taskView(task: Task): object {
    const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
    return {
      taskArn: task.taskArn,
      clusterArn: this.clusters.get(task.cluster)?.clusterArn,
      taskDefinitionArn: task.taskDefinitionArn,
      containerInstanceArn: task.containerInstanceArn,
      group: task.group,
      startedBy: task.startedBy,
      lastStatus: task.lastStatus,
      desiredStatus: task.desiredStatus,
      healthStatus: task.healthStatus,
      availabilityZone: task.availabilityZone,
      launchType: "EC2",
      cpu: String(task.size.cpu),
      memory: String(task.size.memory),
      createdAt: seconds(task.createdAt),
      startedAt: seconds(task.startedAt),
      stoppingAt: seconds(task.stoppingAt),
      stoppedAt: seconds(task.stoppedAt),
      stoppedReason: task.stoppedReason,
      containers: [],
    };
  }

  private serviceView(service: Service): object {
    const wanted = this.scheduler.tasksOf(service).filter(isWanted);
    const outdated = wanted.filter((t) => this.scheduler.outdated(t, service));
    const tasks = wanted.filter((t) => !this.scheduler.outdated(t, service));
    const running = wanted.filter((t) => t.lastStatus === "RUNNING").length;
    const pending = wanted.filter((t) => t.lastStatus === "PENDING").length;
    const primaryRunning = tasks.filter((t) => t.lastStatus === "RUNNING").length;
    const now = this.clock.now() / 1000;
    // The deployment a forced one replaces stays listed (ACTIVE) until its last task stops.
    const replaced =
      outdated.length === 0
        ? []
        : [
            {
              id: `ecs-svc/${service.serviceName}-before`,
              status: "ACTIVE",
              desiredCount: 0,
              runningCount: outdated.filter((t) => t.lastStatus === "RUNNING").length,
              pendingCount: 0,
              rolloutState: "IN_PROGRESS",
              createdAt: service.createdAt / 1000,
              updatedAt: now,
            },
          ];
    return {
      serviceArn: service.serviceArn,
      serviceName: service.serviceName,
      clusterArn: service.clusterArn,
      status: "ACTIVE",
      desiredCount: service.desiredCount,
      runningCount: running,
      pendingCount: pending,
      launchType: "EC2",
      schedulingStrategy: service.schedulingStrategy,
      deploymentConfiguration: {
        minimumHealthyPercent: service.minimumHealthyPercent,
        maximumPercent: service.maximumPercent,
      },
      placementStrategy:
        service.placement === "binpack"
          ? [{ type: "binpack", field: "memory" }]
          : [
              { type: "spread", field: "attribute:ecs.availability-zone" },
              { type: "spread", field: "instanceId" },
            ],
      deployments: [
        {
          id: `ecs-svc/${service.serviceName}`,
          status: "PRIMARY",
          desiredCount: service.desiredCount,
          runningCount: primaryRunning,
          pendingCount: tasks.filter((t) => t.lastStatus === "PENDING").length,
          rolloutState: primaryRunning === service.desiredCount ? "COMPLETED" : "IN_PROGRESS",
          createdAt: (service.deployedAt ?? service.createdAt) / 1000,
          updatedAt: now,
        },
        ...replaced,
      ],
      events: [],
      createdAt: service.createdAt / 1000,
    };
  }

  private clusterView(cluster: Cluster): object {
    const name = cluster.clusterName;
    const tasks = this.scheduler.tasks.filter((t) => t.cluster === name && isLive(t));
    return {
      ...cluster,
      registeredContainerInstancesCount: this.scheduler.instances.filter((i) => i.cluster === name)
        .length,
      runningTasksCount: tasks.filter((t) => t.lastStatus === "RUNNING").length,
      pendingTasksCount: tasks.filter((t) => t.lastStatus === "PENDING").length,
      activeServicesCount: this.scheduler.services.filter((s) => s.cluster === name).length,
      statistics: [],
      capacityProviders: [],
      defaultCapacityProviderStrategy: [],
    };
  }

  private service(cluster: string, serviceName: string): Service {
    const name = this.cluster(cluster).clusterName;
    const service = this.scheduler.services.find(
      (s) => s.cluster === name && s.serviceName === serviceName,
    );
    if (service === undefined) throw new AwsError("ServiceNotFoundException", "Service not found.");
    return service;
  }

  private cluster(ref: string | undefined): Cluster {
    const cluster = this.clusters.get(nameOf(ref ?? "default"));
    if (cluster === undefined) throw new AwsError("ClusterNotFoundException", "Cluster not found.");
    return cluster;
  }
}

/** A cluster or service is named by its name or its ARN. */
function nameOf(ref: string): string {
  return ref.split("/").at(-1) ?? ref;
}

/** A page of `items` by `maxResults`, continued by an opaque `nextToken` (the offset). */
function paginate<T>(items: readonly T[], p: Params): { items: T[]; next: object } {
  const start =
    p.nextToken === undefined ? 0 : Number(Buffer.from(p.nextToken, "base64").toString());
  const size = Math.min(PAGE_SIZE, p.maxResults ?? PAGE_SIZE);
  const end = start + size;
  return {
    items: items.slice(start, end),
    next: end < items.length ? { nextToken: Buffer.from(String(end)).toString("base64") } : {},
  };
}
