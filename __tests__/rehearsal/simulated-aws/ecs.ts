/**
 * ECS (JSON 1.1) as the provider uses it for `aws_ecs_cluster`, and container instances as the
 * drain function's launch gate reads them: an instance registers (ACTIVE, agent connected) when
 * the simulation says its agent has started. Tasks, services and DRAINING, which the drain moves,
 * are the next layer of the rehearsal (README).
 */
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

interface ContainerInstance {
  readonly containerInstanceArn: string;
  readonly ec2InstanceId: string;
  status: string;
  agentConnected: boolean;
  /** Epoch seconds: the JSON protocols carry timestamps as numbers. */
  readonly registeredAt: number;
}

interface Cluster {
  readonly clusterArn: string;
  readonly clusterName: string;
  status: string;
  readonly settings: { name: string; value: string }[];
  readonly tags: { key: string; value: string }[];
  readonly configuration?: object;
}

export class SimulatedEcs implements SimulatedService {
  readonly signingName = "ecs";
  readonly clusters = new Map<string, Cluster>();
  readonly containerInstances = new Map<string, ContainerInstance[]>();
  private registered = 0;

  /** The ECS agent of `ec2InstanceId` has registered it with `cluster`. */
  register(cluster: string, ec2InstanceId: string, region: string): void {
    const instances = this.containerInstances.get(cluster) ?? [];
    instances.push({
      containerInstanceArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:container-instance/${cluster}/${(++this.registered).toString(16).padStart(32, "0")}`,
      ec2InstanceId,
      status: "ACTIVE",
      agentConnected: true,
      registeredAt: Date.now() / 1000,
    });
    this.containerInstances.set(cluster, instances);
  }

  /** The EC2 instance has terminated: its container instance leaves the cluster. */
  deregister(ec2InstanceId: string): void {
    for (const [cluster, instances] of this.containerInstances) {
      this.containerInstances.set(
        cluster,
        instances.filter((i) => i.ec2InstanceId !== ec2InstanceId),
      );
    }
  }

  handle({ operation, params, region }: ServiceCall): object {
    const p = params as {
      clusterName?: string;
      cluster?: string;
      clusters?: string[];
      settings?: Cluster["settings"];
      tags?: Cluster["tags"];
      configuration?: object;
      resourceArn?: string;
    };
    switch (operation) {
      case "CreateCluster": {
        const name = p.clusterName ?? "default";
        const cluster: Cluster = {
          clusterArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:cluster/${name}`,
          clusterName: name,
          status: "ACTIVE",
          settings: p.settings ?? [],
          tags: p.tags ?? [],
          ...(p.configuration ? { configuration: p.configuration } : {}),
        };
        this.clusters.set(name, cluster);
        return { cluster: view(cluster) };
      }
      case "DescribeClusters": {
        const found = (p.clusters ?? ["default"]).map((ref) => this.clusters.get(nameOf(ref)));
        return {
          clusters: found.filter((c) => c !== undefined).map(view),
          failures: (p.clusters ?? [])
            .filter((_, i) => found[i] === undefined)
            .map((arn) => ({ arn, reason: "MISSING" })),
        };
      }
      case "ListContainerInstances": {
        // The drain function filters by `ec2InstanceId == i-...`, the only filter modelled.
        const wanted = /ec2InstanceId\s*==\s*(\S+)/.exec(
          String((params as { filter?: string }).filter ?? ""),
        )?.[1];
        const instances = this.instancesOf(p.cluster).filter(
          (i) => wanted === undefined || i.ec2InstanceId === wanted,
        );
        return { containerInstanceArns: instances.map((i) => i.containerInstanceArn) };
      }
      case "DescribeContainerInstances": {
        const arns = (params as { containerInstances?: string[] }).containerInstances ?? [];
        const instances = this.instancesOf(p.cluster);
        return {
          containerInstances: instances
            .filter((i) => arns.includes(i.containerInstanceArn))
            .map((i) => ({
              ...i,
              runningTasksCount: 0,
              pendingTasksCount: 0,
              attributes: [],
              tags: [],
            })),
          failures: arns
            .filter((arn) => !instances.some((i) => i.containerInstanceArn === arn))
            .map((arn) => ({ arn, reason: "MISSING" })),
        };
      }
      case "ListTagsForResource":
        return { tags: this.cluster(p.resourceArn).tags };
      case "DeleteCluster": {
        const cluster = this.cluster(p.cluster);
        cluster.status = "INACTIVE";
        this.clusters.delete(cluster.clusterName);
        return { cluster: view(cluster) };
      }
      default:
        throw new AwsError("InvalidAction", `simulated ECS has no ${operation}`);
    }
  }

  private instancesOf(ref: string | undefined): ContainerInstance[] {
    return this.containerInstances.get(this.cluster(ref).clusterName) ?? [];
  }

  private cluster(ref: string | undefined): Cluster {
    const cluster = this.clusters.get(nameOf(ref ?? "default"));
    if (cluster === undefined) throw new AwsError("ClusterNotFoundException", "Cluster not found.");
    return cluster;
  }
}

/** A cluster is named by its name or its ARN. */
function nameOf(ref: string): string {
  return ref.split("/").at(-1) ?? ref;
}

function view(cluster: Cluster): object {
  return {
    ...cluster,
    registeredContainerInstancesCount: 0,
    runningTasksCount: 0,
    pendingTasksCount: 0,
    activeServicesCount: 0,
    statistics: [],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  };
}
