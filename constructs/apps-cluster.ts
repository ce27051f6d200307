import { Construct } from "constructs";
import { ClusterInstances, ClusterInstancesProps } from "./cluster-instances";
import { EcsCluster } from "./ecs-cluster";
import { InstanceDrain, InstanceDrainProps } from "./instance-drain";
import { LowInstanceAlarm, LowInstanceAlarmProps } from "./low-instance-alarm";

/** Everything ClusterInstances takes (see ClusterInstancesProps), plus the cluster's own settings. */
export interface AppsClusterProps extends Omit<ClusterInstancesProps, "cluster" | "drain"> {
  /** ECS cluster name; prefixes every other name in the cluster. */
  readonly clusterName: string;
  /** Path of the packaged drain function (see InstanceDrainProps.codeZipPath). */
  readonly drainCodeZipPath: string;
  /** @default false — see EcsClusterProps.containerInsights */
  readonly containerInsights?: boolean;
  /** @default InstanceDrain's default for each setting left out */
  readonly drain?: Omit<InstanceDrainProps, "cluster" | "codeZipPath" | "alarmActionsTopicArn">;
  /**
   * The topic also receives the drain function's errors alarm.
   * @default LowInstanceAlarm's default for each setting left out
   */
  readonly alarm?: Pick<LowInstanceAlarmProps, "actionsTopicArn" | "evaluationPeriods">;
}

/**
 * One stage's apps cluster: the ECS cluster, the drain machinery, the instances and the alarm
 * that says when too few of them are in service.
 */
export class AppsCluster extends Construct {
  public readonly cluster: EcsCluster;
  public readonly drain: InstanceDrain;
  public readonly instances: ClusterInstances;
  public readonly lowInstanceAlarm: LowInstanceAlarm;

  constructor(scope: Construct, id: string, props: AppsClusterProps) {
    super(scope, id);
    const { clusterName, drainCodeZipPath, containerInsights, drain, alarm, ...instances } = props;
    this.cluster = new EcsCluster(this, "Cluster", { clusterName, containerInsights });
    this.drain = new InstanceDrain(this, "Drain", {
      ...drain,
      cluster: this.cluster,
      codeZipPath: drainCodeZipPath,
      alarmActionsTopicArn: alarm?.actionsTopicArn,
    });
    this.instances = new ClusterInstances(this, "Instances", {
      ...instances,
      cluster: this.cluster,
      drain: this.drain,
    });
    this.lowInstanceAlarm = new LowInstanceAlarm(this, "LowInstanceAlarm", {
      ...alarm,
      autoScalingGroup: this.instances.autoScalingGroup,
      alarmName: this.cluster.names.lowInstanceAlarm,
      minimumInstances: props.minSize,
    });
  }
}
