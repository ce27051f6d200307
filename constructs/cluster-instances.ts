import { Construct } from "constructs";
import {
  AutoscalingGroup,
  type AutoscalingGroupConfig,
  AutoscalingGroupInitialLifecycleHook,
} from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchConfiguration } from "@cdktf/provider-aws/lib/launch-configuration";
import { DELETE_TIMEOUT_TAG } from "../config/aws-rules/tags";
import { ConfigError, describeValue } from "../config/config-error";
import type { LaunchKind } from "../config/launch-kinds";
import { EcsCluster } from "./ecs-cluster";
import { InstanceDrain } from "./instance-drain";
import { InstanceLaunchTemplate } from "./instance-launch-template";
import { ecsUserData, metadataOptions, type LaunchSettings } from "./launch-settings";
import { atFixedAddress, FIXED_ADDRESSES, readable } from "./readable-address";
import { ReplacementTrigger } from "./replacement-trigger";

/** Group metrics the ASG publishes; the low-instance alarm needs GroupInServiceInstances. */
export const ENABLED_GROUP_METRICS = [
  "GroupDesiredCapacity",
  "GroupInServiceInstances",
  "GroupMaxSize",
  "GroupMinSize",
  "GroupPendingInstances",
  "GroupTerminatingInstances",
  "GroupTotalInstances",
] as const;

/** Name of the inline termination hook the drain function completes. */
export const DRAIN_HOOK_NAME = "drain-ecs-tasks";
/** Name of the inline launch hook the drain function completes once the instance registered. */
export const LAUNCH_HOOK_NAME = "await-ecs-registration";

export interface ClusterInstancesProps {
  /** The cluster the instances join (written to /etc/ecs/ecs.config). */
  readonly cluster: EcsCluster;
  /** The drain machinery both lifecycle hooks notify; also sets their heartbeats. */
  readonly drain: InstanceDrain;
  /**
   * The ECS-optimized AMI to boot. Changing it replaces the launch configuration and the ASG
   * (with a launch template: a new template version, a new generation and a new ASG).
   */
  readonly amiId: string;
  /**
   * EC2 instance type, e.g. `t3.large`. A launch configuration cannot launch families released
   * after 2022 (config/instance-types.ts); a launch template can.
   */
  readonly instanceType: string;
  /**
   * What the instances launch from. `template`: an `aws_launch_template` with the same settings
   * and a `terraform_data.launch_generation` replaced whenever they change, from which the ASG
   * takes its name, so every change of what instances launch with is still a new ASG, drained.
   * Switching between the two is one rollout of its own.
   * @default "configuration" — an `aws_launch_configuration`, as the live clusters use
   */
  readonly launch?: LaunchKind;
  /** Name of the IAM instance profile that lets the ECS agent register the instance. */
  readonly instanceProfileName: string;
  /** Security groups of the instances. */
  readonly securityGroupIds: readonly string[];
  /** Subnets the ASG launches into; list one per AZ to spread instances over AZs. */
  readonly subnetIds: readonly string[];
  /** Fewest instances the ASG keeps. */
  readonly minSize: number;
  /** Most instances the ASG may run. */
  readonly maxSize: number;
  /** Instances the ASG runs now. */
  readonly desiredCapacity: number;
  /**
   * EC2 key pair for SSH.
   * @default none — no key pair; reach instances through SSM Session Manager
   */
  readonly keyName?: string;
  /**
   * Size of the encrypted gp3 root volume.
   * @default 30 — the ECS-optimized AMI's own root volume size
   */
  readonly rootVolumeSizeGiB?: number;
  /**
   * Extra ECS agent settings written after `ECS_CLUSTER` to /etc/ecs/ecs.config.
   * @default {} — only ECS_CLUSTER
   */
  readonly ecsAgentSettings?: Readonly<Record<string, string>>;
  /**
   * How many network hops an IMDSv2 token may travel (IMDSv1 is always off). With 1, containers
   * in bridge network mode (ECS's default on EC2) cannot reach instance metadata at all, so
   * they cannot take the instance role's credentials: tasks use their task roles. With 2 they
   * can, for apps that read instance metadata; changing it rolls the cluster (a new launch
   * configuration). AWS recommends 1 for container hosts.
   * @default 1 — only the instance itself (the ECS agent) reaches instance metadata
   */
  readonly instanceMetadataHopLimit?: 1 | 2;
  /**
   * Whether the launch configuration gives each instance a public IPv4 address, decided here
   * rather than by the subnet's "auto-assign public IP" setting. Like every launch
   * configuration argument it forces a new one, so a change rolls the cluster. A launch
   * template does not set it (its subnet decides; `check` reports a subnet that assigns them).
   * @default false — no public address: instances reach ECS through the VPC's NAT or endpoints
   */
  readonly associatePublicIpAddress?: boolean;
  /**
   * How long Terraform waits for a new ASG's instances to be InService (which, with the launch
   * hook, means registered with the cluster) before it fails the apply; the old ASG is only
   * deleted once the new one has its capacity. Must be longer than the launch hook's heartbeat,
   * or an instance that registers slowly but in time would fail the rollout.
   * @default the launch hook's heartbeat (drain.registrationTimeoutSeconds) rounded up to whole
   * minutes, plus 5 — 15 with the default heartbeat
   */
  readonly capacityTimeoutMinutes?: number;
  /**
   * Time an instance gets to shut down after its drain, added to the drain's longest duration
   * to make the ASG's delete timeout.
   * @default 10
   */
  readonly shutdownAllowanceMinutes?: number;
  /**
   * Tags on the ASG, propagated to its instances (the AWS provider's default tags do not reach
   * instances launched by an ASG). `Name` is always the cluster name.
   * @default {} — only Name
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The EC2 capacity of the cluster: a launch configuration and the autoscaling group built from
 * it. Both are create-before-destroy and the ASG's name is generated from the launch
 * configuration's generated name, so a new AMI brings up a new ASG before the old one is scaled
 * in. The launch hook holds each new instance until it has registered with the cluster, so the
 * new ASG has its capacity only once it can take tasks; the old instances' termination hook
 * holds each one until the drain function has moved its tasks.
 */
export class ClusterInstances extends Construct {
  /** `aws_launch_configuration.instances`; undefined with `launch: "template"`. */
  public readonly launchConfiguration?: LaunchConfiguration;
  /** The launch template and its generation; undefined with `launch: "configuration"`. */
  public readonly launchTemplate?: InstanceLaunchTemplate;
  /** `aws_autoscaling_group.instances`; its name changes with every launch configuration. */
  public readonly autoScalingGroup: AutoscalingGroup;
  /** The ASG's delete timeout: how long Terraform waits for the old instances to drain. */
  public readonly deleteTimeoutMinutes: number;
  /** `terraform_data.drain_hook`: both hooks' settings, whose change replaces the LC (or the ASG). */
  public readonly drainHookSettings: ReplacementTrigger;
  /** How long Terraform waits for the new ASG's registered capacity. */
  public readonly capacityTimeoutMinutes: number;
  /** Whether the launch configuration's instances get a public IPv4 address. */
  private readonly associatePublicIpAddress: boolean;

  constructor(scope: Construct, id: string, props: ClusterInstancesProps) {
    super(scope, id);
    // The settings a stage gives are checked by the stages file's schema (config/stages.ts),
    // once; what is checked here are the props only code passes.
    const { cluster, drain } = props;
    // Deleting the old group waits for the worst case of a drain, then the shutdown.
    this.deleteTimeoutMinutes =
      Math.ceil(drain.timing.worstCaseDrainSeconds / 60) +
      (props.shutdownAllowanceMinutes ?? DEFAULT_SHUTDOWN_ALLOWANCE_MINUTES);
    this.capacityTimeoutMinutes = capacityTimeout(props);
    this.associatePublicIpAddress = props.associatePublicIpAddress ?? false;

    const metadata = JSON.stringify({ cluster: cluster.clusterName });
    const launchHook: AutoscalingGroupInitialLifecycleHook = {
      name: LAUNCH_HOOK_NAME,
      lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
      notificationTargetArn: drain.topic.arn,
      roleArn: drain.hookRole.arn,
      heartbeatTimeout: drain.registrationTimeoutSeconds,
      // An instance nobody vouched for (it never registered, or the function is down) is
      // terminated and replaced rather than counted as capacity.
      defaultResult: "ABANDON",
      notificationMetadata: metadata,
    };
    const drainHook: AutoscalingGroupInitialLifecycleHook = {
      name: DRAIN_HOOK_NAME,
      lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      notificationTargetArn: drain.topic.arn,
      roleArn: drain.hookRole.arn,
      heartbeatTimeout: drain.heartbeatTimeoutSeconds,
      defaultResult: "CONTINUE",
      notificationMetadata: metadata,
    };
    // Launch first, then termination: the order of an instance's life, fixed for the output.
    const hooks = [launchHook, drainHook];
    // A changed inline hook forces a new ASG, which should follow a new launch configuration
    // like any other rollout: so a hook change replaces the launch configuration too (with a
    // launch template, the ASG names this in replace_triggered_by itself).
    this.drainHookSettings = readable(
      new ReplacementTrigger(
        this,
        "DrainHookSettings",
        Object.fromEntries(hooks.map((hook) => [hook.name, { ...hook }])),
      ),
      "drain_hook",
    );

    const settings: LaunchSettings = {
      amiId: props.amiId,
      instanceType: props.instanceType,
      instanceProfileName: props.instanceProfileName,
      securityGroupIds: props.securityGroupIds,
      keyName: props.keyName,
      userData: ecsUserData(cluster.clusterName, props.ecsAgentSettings ?? {}),
      instanceMetadataHopLimit: props.instanceMetadataHopLimit ?? 1,
      rootVolumeSizeGiB: props.rootVolumeSizeGiB ?? 30,
    };
    let launch: Pick<
      AutoscalingGroupConfig,
      "namePrefix" | "launchConfiguration" | "launchTemplate" | "lifecycle"
    >;
    if ((props.launch ?? "configuration") === "configuration") {
      const launchConfiguration = this.addLaunchConfiguration(cluster, settings);
      this.launchConfiguration = launchConfiguration;
      launch = {
        // Named after the launch configuration, so a new one forces a new ASG; the generated
        // suffix gives a replacement of the same launch configuration (a tainted ASG after a
        // failed rollout) a name of its own. It keeps the `<clusterName>-` prefix IAM relies on.
        namePrefix: `${launchConfiguration.name}-`,
        launchConfiguration: launchConfiguration.name,
        lifecycle: { createBeforeDestroy: true },
      };
    } else {
      const template = new InstanceLaunchTemplate(this, "LaunchTemplate", {
        namePrefix: cluster.instanceNamePrefix,
        settings,
      });
      this.launchTemplate = template;
      launch = {
        // Named after the generation, which is replaced with every change of the template's
        // launch settings: a new generation forces a new ASG, as a new launch configuration does.
        namePrefix: `${cluster.instanceNamePrefix}${template.generation.id}-`,
        // An explicit version, never $Latest or $Default: the old ASG keeps launching the old
        // version while it drains, and the new version reaches only the new group.
        launchTemplate: { id: template.template.id, version: template.version },
        lifecycle: {
          createBeforeDestroy: true,
          replaceTriggeredBy: [template.generation.address, this.drainHookSettings.address],
        },
      };
    }

    const deleteTimeout = `${this.deleteTimeoutMinutes}m`;
    this.autoScalingGroup = atFixedAddress(
      new AutoscalingGroup(this, "AutoScalingGroup", {
        namePrefix: launch.namePrefix,
        launchConfiguration: launch.launchConfiguration,
        launchTemplate: launch.launchTemplate,
        vpcZoneIdentifier: [...props.subnetIds],
        minSize: props.minSize,
        maxSize: props.maxSize,
        desiredCapacity: props.desiredCapacity,
        healthCheckType: "EC2",
        waitForCapacityTimeout: `${this.capacityTimeoutMinutes}m`,
        enabledMetrics: [...ENABLED_GROUP_METRICS],
        metricsGranularity: "1Minute",
        // Inline, not separate aws_autoscaling_lifecycle_hook resources: a separate termination
        // hook would be replaced along with the ASG and destroyed before the old instances
        // drain, and a separate launch hook would only exist after the first instances launched.
        initialLifecycleHook: hooks,
        tag: [
          ...Object.entries({ ...props.tags, Name: cluster.clusterName }).map(([key, value]) => ({
            key,
            value,
            propagateAtLaunch: true,
          })),
          // The real provider plans a change of `timeouts` alone as nothing, so the state would
          // keep the old delete timeout and a rollout would delete the old group with it. The
          // same value in a tag makes every change of it an in-place update of the group, which
          // stores the new timeout; the instances never see the tag.
          { key: DELETE_TIMEOUT_TAG, value: deleteTimeout, propagateAtLaunch: false },
        ]
          // Code-unit order, the same on every machine (localeCompare is not).
          .sort((a, b) => (a.key < b.key ? -1 : 1)),
        // Deleting the old ASG waits for every old instance to drain and terminate, with the
        // drain machinery kept in place until then.
        timeouts: { delete: deleteTimeout },
        dependsOn: drain.drainDependencies,
        lifecycle: launch.lifecycle,
      }),
      FIXED_ADDRESSES.autoScalingGroup,
    );
  }

  /** `aws_launch_configuration.instances`, replaced with every change (it has no update). */
  private addLaunchConfiguration(
    cluster: EcsCluster,
    settings: LaunchSettings,
  ): LaunchConfiguration {
    return atFixedAddress(
      new LaunchConfiguration(this, "LaunchConfiguration", {
        namePrefix: cluster.instanceNamePrefix,
        imageId: settings.amiId,
        instanceType: settings.instanceType,
        iamInstanceProfile: settings.instanceProfileName,
        securityGroups: [...settings.securityGroupIds],
        associatePublicIpAddress: this.associatePublicIpAddress,
        keyName: settings.keyName,
        userData: settings.userData,
        // IMDSv2 only; one hop keeps bridge-network containers off the instance's credentials
        // (tasks use their task roles), unless the stage lets them through.
        metadataOptions: metadataOptions(settings),
        rootBlockDevice: {
          volumeType: "gp3",
          volumeSize: settings.rootVolumeSizeGiB,
          encrypted: true,
          deleteOnTermination: true,
        },
        lifecycle: {
          createBeforeDestroy: true,
          // A changed inline hook forces a new ASG, which follows a new launch configuration
          // like any other rollout.
          replaceTriggeredBy: [this.drainHookSettings.address],
        },
      }),
      FIXED_ADDRESSES.launchConfiguration,
    );
  }
}

/** Minutes an instance gets to shut down after its drain, by default, in the delete timeout. */
const DEFAULT_SHUTDOWN_ALLOWANCE_MINUTES = 10;

/**
 * The capacity wait: by default it outlasts the launch hook's heartbeat (the longest a new
 * instance can take to be admitted) by 5 minutes.
 */
function capacityTimeout(props: ClusterInstancesProps): number {
  const heartbeat = props.drain.registrationTimeoutSeconds;
  const minutes = props.capacityTimeoutMinutes ?? Math.ceil(heartbeat / 60) + 5;
  if (!Number.isInteger(minutes) || minutes * 60 <= heartbeat) {
    throw new ConfigError(
      `ClusterInstances capacityTimeoutMinutes must be a whole number of minutes longer than the launch hook's heartbeat (registrationTimeoutSeconds ${heartbeat}), got ${describeValue(props.capacityTimeoutMinutes)}`,
    );
  }
  return minutes;
}
