/**
 * Auto Scaling as the provider uses it for `aws_launch_configuration` and
 * `aws_autoscaling_group` (create, capacity wait, read, scale to zero, delete), and as the drain
 * function uses it (lifecycle actions). Instances move through `group-instances.ts`.
 */
import type { SimulatedClock } from "../clock";
import {
  InstanceLifecycle,
  type GroupInstance,
  type HookedGroup,
  type LifecycleEvents,
  type LifecycleHook,
} from "./group-instances";
import {
  ACCOUNT_ID,
  AwsError,
  IdSource,
  list,
  type ServiceCall,
  type SimulatedService,
} from "./service";

type Params = Record<string, unknown>;

/** A group created outside the simulation: what {@link SimulatedAutoScaling.adoptGroup} needs. */
export interface AdoptedGroup {
  readonly AutoScalingGroupName: string;
  readonly LaunchConfigurationName: string;
  readonly ImageId: string;
  readonly InstanceType: string;
  /** Base64, naming the cluster (`ECS_CLUSTER=`) as the stacks' user data does. */
  readonly UserData?: string;
  /** Comma-separated subnets, one per AZ. */
  readonly VPCZoneIdentifier: string;
  readonly size: number;
}

interface LaunchConfiguration extends Params {
  readonly LaunchConfigurationName: string;
  readonly LaunchConfigurationARN: string;
}

interface Group extends HookedGroup {
  readonly settings: Params & { AutoScalingGroupName: string };
  readonly instances: GroupInstance[];
  hooks: LifecycleHook[];
  enabledMetrics: string[];
  deleting: boolean;
}

export class SimulatedAutoScaling implements SimulatedService {
  readonly signingName = "autoscaling";
  readonly launchConfigurations = new Map<string, LaunchConfiguration>();
  readonly groups = new Map<string, Group>();
  private readonly lifecycle: InstanceLifecycle;

  constructor(
    private readonly ids: IdSource,
    private readonly events: LifecycleEvents,
    private readonly clock: SimulatedClock,
  ) {
    this.lifecycle = new InstanceLifecycle(events, clock);
  }

  handle({ operation, params, region }: ServiceCall): object {
    const p = params as Params & Record<string, string>;
    switch (operation) {
      case "CreateLaunchConfiguration": {
        const name = p.LaunchConfigurationName;
        if (this.launchConfigurations.has(name))
          throw new AwsError(
            "AlreadyExists",
            `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`,
          );
        this.launchConfigurations.set(name, {
          ...p,
          SecurityGroups: list(p.SecurityGroups),
          BlockDeviceMappings: list(p.BlockDeviceMappings),
          ClassicLinkVPCSecurityGroups: [],
          KernelId: "",
          RamdiskId: "",
          KeyName: "",
          CreatedTime: new Date(this.clock.now()),
          LaunchConfigurationName: name,
          LaunchConfigurationARN: `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:launchConfiguration:${this.ids.suffix()}:launchConfigurationName/${name}`,
        });
        return {};
      }
      case "DescribeLaunchConfigurations": {
        const names = list<string>(p.LaunchConfigurationNames);
        return {
          LaunchConfigurations: [...this.launchConfigurations.values()].filter(
            (lc) => names.length === 0 || names.includes(lc.LaunchConfigurationName),
          ),
        };
      }
      case "DeleteLaunchConfiguration": {
        const name = p.LaunchConfigurationName;
        if ([...this.groups.values()].some((g) => g.settings.LaunchConfigurationName === name)) {
          throw new AwsError(
            "ResourceInUse",
            `Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup`,
          );
        }
        this.launchConfigurations.delete(name);
        return {};
      }
      case "CreateAutoScalingGroup":
        this.createGroup(p, region);
        return {};
      case "DescribeAutoScalingGroups": {
        const names = list<string>(p.AutoScalingGroupNames);
        const groups = [...this.groups.values()].filter(
          (g) => names.length === 0 || names.includes(g.name),
        );
        return { AutoScalingGroups: groups.map(view) };
      }
      case "EnableMetricsCollection": {
        const group = this.group(p.AutoScalingGroupName);
        group.enabledMetrics = list<string>(p.Metrics);
        group.settings.MetricsGranularity = p.Granularity;
        return {};
      }
      case "UpdateAutoScalingGroup":
        this.updateGroup(this.group(p.AutoScalingGroupName), p);
        return {};
      case "DeleteAutoScalingGroup": {
        this.deleteGroup(this.group(p.AutoScalingGroupName), p.ForceDelete === "true");
        return {};
      }
      case "PutLifecycleHook": {
        // The provider creates a group with initial hooks at size 0, puts each hook, then sizes
        // the group: no instance launches before its hooks exist.
        const group = this.group(p.AutoScalingGroupName);
        group.hooks = [
          ...group.hooks.filter((h) => h.LifecycleHookName !== p.LifecycleHookName),
          hookOf(p),
        ];
        return {};
      }
      case "DeleteLifecycleHook": {
        const group = this.group(p.AutoScalingGroupName);
        group.hooks = group.hooks.filter((h) => h.LifecycleHookName !== p.LifecycleHookName);
        return {};
      }
      case "DescribeLifecycleHooks":
        return {
          LifecycleHooks: this.group(p.AutoScalingGroupName).hooks.map((hook) => ({
            ...hook,
            AutoScalingGroupName: p.AutoScalingGroupName,
            GlobalTimeout: Math.min(100 * hook.HeartbeatTimeout, 172800),
          })),
        };
      case "DescribeScalingActivities":
        return { Activities: [] };
      case "DescribeLoadBalancers":
        return { LoadBalancers: [] };
      case "DescribeLoadBalancerTargetGroups":
        return { LoadBalancerTargetGroups: [] };
      case "DescribeTrafficSources":
        return { TrafficSources: [] };
      case "DescribeWarmPool":
        return { Instances: [] };
      case "DescribeNotificationConfigurations":
        return { NotificationConfigurations: [] };
      case "DescribeAutoScalingInstances": {
        const ids = list<string>(p.InstanceIds);
        return {
          AutoScalingInstances: [...this.groups.values()].flatMap((group) =>
            group.instances
              .filter((i) => ids.length === 0 || ids.includes(i.InstanceId))
              .map((i) => ({ ...instanceView(i), AutoScalingGroupName: group.name })),
          ),
        };
      }
      case "CompleteLifecycleAction": {
        const { group, instance } = this.instance(p.AutoScalingGroupName, p.InstanceId);
        if (!this.lifecycle.complete(group, instance, p.LifecycleHookName, p.LifecycleActionResult))
          throw noAction(p);
        return {};
      }
      case "RecordLifecycleActionHeartbeat": {
        const { group, instance } = this.instance(p.AutoScalingGroupName, p.InstanceId);
        if (!this.lifecycle.heartbeat(group, instance, p.LifecycleHookName)) throw noAction(p);
        return {};
      }
      default:
        throw new AwsError("InvalidAction", `simulated Auto Scaling has no ${operation}`);
    }
  }

  /**
   * A group that already runs, created outside the simulation (as before an adoption): its
   * launch configuration, and `size` instances InService at once, spread over its subnets' AZs.
   * No hook held them; the caller registers them with ECS.
   */
  adoptGroup(settings: AdoptedGroup, region: string): GroupInstance[] {
    const lc = settings.LaunchConfigurationName;
    if (!this.launchConfigurations.has(lc)) {
      this.handle({
        operation: "CreateLaunchConfiguration",
        params: {
          LaunchConfigurationName: lc,
          ImageId: settings.ImageId,
          InstanceType: settings.InstanceType,
          UserData: settings.UserData,
        },
        region,
        method: "POST",
        path: "/",
      });
    }
    this.createGroup(
      {
        AutoScalingGroupName: settings.AutoScalingGroupName,
        LaunchConfigurationName: lc,
        MinSize: "0",
        MaxSize: "0",
        VPCZoneIdentifier: settings.VPCZoneIdentifier,
      },
      region,
    );
    const group = this.group(settings.AutoScalingGroupName);
    const zones = group.settings.AvailabilityZones as string[];
    for (let n = 0; n < settings.size; n++) {
      group.instances.push({
        InstanceId: this.ids.hex("i"),
        AvailabilityZone: zones[n % Math.max(1, zones.length)] ?? `${region}a`,
        LifecycleState: "InService",
        LaunchConfigurationName: lc,
        InstanceType: settings.InstanceType,
      });
    }
    Object.assign(group.settings, {
      MinSize: settings.size,
      MaxSize: settings.size,
      DesiredCapacity: settings.size,
    });
    this.events.log(`group ${group.name} adopted with ${settings.size} instances InService`);
    return [...group.instances];
  }

  private createGroup(p: Params & Record<string, string>, region: string): void {
    const name = p.AutoScalingGroupName;
    if (this.groups.has(name))
      throw new AwsError(
        "AlreadyExists",
        `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
      );
    if (!this.launchConfigurations.has(p.LaunchConfigurationName)) {
      throw new AwsError(
        "ValidationError",
        `Launch configuration name not found - Launch configuration ${p.LaunchConfigurationName} not found`,
      );
    }
    const hooks = list<Record<string, string>>(p.LifecycleHookSpecificationList).map(hookOf);
    const subnets = String(p.VPCZoneIdentifier ?? "")
      .split(",")
      .filter(Boolean);
    const group: Group = {
      name,
      hooks,
      instances: [],
      enabledMetrics: [],
      deleting: false,
      removed: (instance) => {
        group.instances.splice(group.instances.indexOf(instance), 1);
        this.reconcile(group);
      },
      settings: {
        DefaultCooldown: 300,
        HealthCheckType: "EC2",
        HealthCheckGracePeriod: 300,
        TerminationPolicies: ["Default"],
        NewInstancesProtectedFromScaleIn: false,
        CapacityRebalance: false,
        ...p,
        AutoScalingGroupName: name,
        AutoScalingGroupARN: `arn:aws:autoscaling:${region}:${ACCOUNT_ID}:autoScalingGroup:${this.ids.suffix()}:autoScalingGroupName/${name}`,
        // One subnet per AZ in this simulation: the AZ takes the subnet's position.
        AvailabilityZones: subnets.map((_, i) => `${region}${"abcdef"[i]}`),
        Tags: list<Params>(p.Tags).map((tag) => ({
          ...tag,
          ResourceId: name,
          ResourceType: "auto-scaling-group",
        })),
        CreatedTime: new Date(this.clock.now()),
        ServiceLinkedRoleARN: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      },
    };
    delete group.settings.LifecycleHookSpecificationList;
    this.groups.set(name, group);
    this.events.log(`group ${name} created`);
    this.reconcile(group);
  }

  /**
   * As AWS answers: while instances are still terminating, ScalingActivityInProgress; while any
   * other instance is in the group, ResourceInUse (both retried by the provider after it scaled
   * the group to zero). ForceDelete ends every instance at once, without its lifecycle hooks.
   */
  private deleteGroup(group: Group, force: boolean): void {
    if (!force && group.instances.some((i) => i.LifecycleState.startsWith("Terminating"))) {
      throw new AwsError(
        "ScalingActivityInProgress",
        "You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.",
      );
    }
    if (!force && group.instances.length > 0) {
      throw new AwsError(
        "ResourceInUse",
        "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.",
      );
    }
    for (const instance of group.instances) {
      instance.action?.cancelTimeout();
      instance.action = undefined;
      instance.LifecycleState = "Terminated";
      this.events.terminated(instance);
      this.events.log(`${instance.InstanceId} terminated (group force-deleted)`);
    }
    group.instances.length = 0;
    this.groups.delete(group.name);
    this.events.log(`group ${group.name} deleted`);
  }

  private updateGroup(group: Group, p: Params): void {
    for (const key of [
      "MinSize",
      "MaxSize",
      "DesiredCapacity",
      "LaunchConfigurationName",
      "HealthCheckType",
      "VPCZoneIdentifier",
    ]) {
      if (p[key] !== undefined) group.settings[key] = p[key];
    }
    this.reconcile(group);
  }

  /** Launches or terminates instances until the group's count is its desired capacity. */
  private reconcile(group: Group): void {
    const desired = Number(group.settings.DesiredCapacity ?? group.settings.MinSize ?? 0);
    const live = group.instances.filter((i) => !i.LifecycleState.startsWith("Terminating"));
    const zones = group.settings.AvailabilityZones as string[];
    for (let n = live.length; n < desired; n++) {
      const instance: GroupInstance = {
        InstanceId: this.ids.hex("i"),
        // Spread over the group's AZs, as Auto Scaling balances them.
        AvailabilityZone: zones[group.instances.length % Math.max(1, zones.length)] ?? "us-east-1a",
        LifecycleState: "Pending",
        LaunchConfigurationName: String(group.settings.LaunchConfigurationName),
        InstanceType: String(
          this.launchConfigurations.get(String(group.settings.LaunchConfigurationName))
            ?.InstanceType ?? "",
        ),
      };
      group.instances.push(instance);
      this.lifecycle.launch(group, instance);
    }
    for (const instance of live.slice(desired)) this.lifecycle.terminate(group, instance);
  }

  private group(name: unknown): Group {
    const group = this.groups.get(String(name));
    if (group === undefined)
      throw new AwsError(
        "ValidationError",
        `AutoScalingGroup name not found - AutoScalingGroup ${String(name)} not found`,
      );
    return group;
  }

  private instance(
    groupName: string,
    instanceId: string,
  ): { group: Group; instance: GroupInstance } {
    const group = this.group(groupName);
    const instance = group.instances.find((i) => i.InstanceId === instanceId);
    if (instance === undefined)
      throw new AwsError(
        "ValidationError",
        `No active Lifecycle Action found with instance ID ${instanceId}`,
      );
    return { group, instance };
  }
}

function hookOf(spec: Record<string, string>): LifecycleHook {
  return {
    LifecycleHookName: spec.LifecycleHookName,
    LifecycleTransition: spec.LifecycleTransition,
    NotificationTargetARN: spec.NotificationTargetARN,
    RoleARN: spec.RoleARN,
    NotificationMetadata: spec.NotificationMetadata,
    HeartbeatTimeout: Number(spec.HeartbeatTimeout ?? 3600),
    DefaultResult: (spec.DefaultResult ?? "ABANDON") as LifecycleHook["DefaultResult"],
  };
}

function noAction(p: Record<string, string>): AwsError {
  return new AwsError(
    "ValidationError",
    `No active Lifecycle Action found with instance ID ${p.InstanceId}`,
  );
}

function instanceView(instance: GroupInstance): object {
  return {
    InstanceId: instance.InstanceId,
    InstanceType: instance.InstanceType,
    AvailabilityZone: instance.AvailabilityZone,
    LifecycleState: instance.LifecycleState,
    HealthStatus: "Healthy",
    LaunchConfigurationName: instance.LaunchConfigurationName,
    ProtectedFromScaleIn: false,
  };
}

function view(group: Group): object {
  return {
    ...group.settings,
    Instances: group.instances.map(instanceView),
    EnabledMetrics: group.enabledMetrics.map((Metric) => ({
      Metric,
      Granularity: group.settings.MetricsGranularity ?? "1Minute",
    })),
    SuspendedProcesses: [],
    LoadBalancerNames: [],
    TargetGroupARNs: [],
    ...(group.deleting ? { Status: "Delete in progress" } : {}),
  };
}
