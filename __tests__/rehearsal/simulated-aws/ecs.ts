/**
 * ECS (JSON 1.1) as the provider uses it for `aws_ecs_cluster`. Container instances and tasks,
 * which the drain function reads and moves, are the next layer of the rehearsal (README).
 */
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

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
