import { Construct } from "constructs";
import { ClusterInstances } from "./cluster-instances";
import { EcsCluster } from "./ecs-cluster";
import { InstanceDrain, InstanceDrainProps } from "./instance-drain";
import { LowInstanceAlarm } from "./low-instance-alarm";

export interface AppsClusterProps {
  /** ECS cluster name; prefixes every other name in the cluster. */
  readonly clusterName: string;
  /** The ECS-optimized AMI the instances boot from. */
  readonly amiId: string;
  /** EC2 instance type. */
  readonly instanceType: string;
  /** IAM instance profile of the instances. */
  readonly instanceProfileName: string;
  /** Security groups of the instances. */
  readonly securityGroupIds: readonly string[];
  /** Subnets of the instances, one per AZ. */
  readonly subnetIds: readonly string[];
  /** Fewest instances; also the low-instance alarm's threshold. */
  readonly minSize: number;
  /** Most instances. */
  readonly maxSize: number;
  /** Instances to run. */
  readonly desiredCapacity: number;
  /** Path of the packaged drain function (see InstanceDrainProps.codeZipPath). */
  readonly drainCodeZipPath: string;
  /** @default none — see ClusterInstancesProps.keyName */
  readonly keyName?: string;
  /** @default 30 — see ClusterInstancesProps.rootVolumeSizeGiB */
  readonly rootVolumeSizeGiB?: number;
  /** @default {} — see ClusterInstancesProps.ecsAgentSettings */
  readonly ecsAgentSettings?: Readonly<Record<string, string>>;
  /** @default false — see EcsClusterProps.containerInsights */
  readonly containerInsights?: boolean;
  /** @default InstanceDrain's defaults for each setting left out */
  readonly drain?: Omit<InstanceDrainProps, "cluster" | "codeZipPath">;
  /** @default no notifications, 5 evaluation periods — see LowInstanceAlarmProps */
  readonly alarm?: { readonly actionsTopicArn?: string; readonly evaluationPeriods?: number };
  /** @default {} — see ClusterInstancesProps.tags */
  readonly instanceTags?: Readonly<Record<string, string>>;
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
    this.cluster = new EcsCluster(this, "Cluster", {
      clusterName: props.clusterName,
      containerInsights: props.containerInsights,
    });
    this.drain = new InstanceDrain(this, "Drain", {
      ...props.drain,
      cluster: this.cluster,
      codeZipPath: props.drainCodeZipPath,
    });
    this.instances = new ClusterInstances(this, "Instances", {
      cluster: this.cluster,
      drain: this.drain,
      amiId: props.amiId,
      instanceType: props.instanceType,
      instanceProfileName: props.instanceProfileName,
      securityGroupIds: props.securityGroupIds,
      subnetIds: props.subnetIds,
      minSize: props.minSize,
      maxSize: props.maxSize,
      desiredCapacity: props.desiredCapacity,
      keyName: props.keyName,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB,
      ecsAgentSettings: props.ecsAgentSettings,
      tags: props.instanceTags,
    });
    this.lowInstanceAlarm = new LowInstanceAlarm(this, "LowInstanceAlarm", {
      autoScalingGroup: this.instances.autoScalingGroup,
      alarmName: `${props.clusterName}-low-instances`,
      minimumInstances: props.minSize,
      actionsTopicArn: props.alarm?.actionsTopicArn,
      evaluationPeriods: props.alarm?.evaluationPeriods,
    });
  }
}
