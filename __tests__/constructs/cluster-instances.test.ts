import "../support/cdktf-matchers";
import { Testing } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchConfiguration } from "@cdktf/provider-aws/lib/launch-configuration";
import {
  ClusterInstances,
  ClusterInstancesProps,
  DRAIN_HOOK_NAME,
  LAUNCH_HOOK_NAME,
} from "../../constructs/cluster-instances";
import { InstanceDrainProps } from "../../constructs/instance-drain";
import {
  clusterWithDrain,
  emptyStack,
  INSTANCES_PROPS,
  onlyResource,
  synthScope,
} from "../../simulation/fixtures";
import { COMMITTED_AMI } from "../../simulation/amis";

const required = INSTANCES_PROPS;

function synth(
  props: Partial<ClusterInstancesProps> = {},
  drainProps: Partial<InstanceDrainProps> = {},
) {
  const doc = synthScope((scope) => {
    const { cluster, drain } = clusterWithDrain(scope, drainProps);
    new ClusterInstances(scope, "Instances", { cluster, drain, ...required, ...props });
  });
  return {
    doc,
    lc: onlyResource(doc, "aws_launch_configuration"),
    asg: onlyResource(doc, "aws_autoscaling_group"),
  };
}

describe("ClusterInstances", () => {
  describe("launch configuration", () => {
    it("boots the given AMI and instance type with a generated name under the cluster's prefix", () => {
      const { lc } = synth();
      expect(lc).toMatchObject({
        name_prefix: "apps-test-",
        image_id: COMMITTED_AMI,
        instance_type: "t3.large",
        iam_instance_profile: "apps-test-ecs-instance",
        security_groups: ["sg-0a1b2c3d4e5f60719"],
      });
      expect(lc).not.toHaveProperty("name");
    });

    it("is created before the old one is destroyed, and replaced when the drain hook changes", () => {
      expect(synth().lc.lifecycle).toEqual({
        create_before_destroy: true,
        replace_triggered_by: ["terraform_data.drain_hook"],
      });
    });

    it("keeps both hooks' settings where a change to them replaces the launch configuration", () => {
      const { doc, asg } = synth();
      const hooks = asg.initial_lifecycle_hook as Array<Record<string, unknown>>;
      const { triggers_replace } = doc.resource?.terraform_data?.drain_hook as {
        triggers_replace: Record<string, Record<string, unknown>>;
      };
      expect(Object.keys(triggers_replace).sort()).toEqual([LAUNCH_HOOK_NAME, DRAIN_HOOK_NAME]);
      // Every setting of each hook, under its cdktf (camelCase) name.
      const values = (settings: Record<string, unknown>) =>
        Object.values(settings).map(String).sort();
      for (const hook of hooks) {
        const settings = triggers_replace[hook.name as string];
        expect(values(settings)).toEqual(values(hook));
        expect(settings.heartbeatTimeout).toBe(hook.heartbeat_timeout);
      }
    });

    it("requires IMDSv2 and keeps containers off the instance metadata (one hop)", () => {
      expect(synth().lc.metadata_options).toEqual({
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
      });
    });

    it("joins the cluster through /etc/ecs/ecs.config in user data", () => {
      expect(synth().lc.user_data).toBe(
        "#!/bin/bash\ncat >> /etc/ecs/ecs.config <<'EOF'\nECS_CLUSTER=apps-test\nEOF\n",
      );
    });

    it("writes extra ECS agent settings after ECS_CLUSTER, sorted by name", () => {
      const { lc } = synth({
        ecsAgentSettings: { ECS_RESERVED_MEMORY: "256", ECS_ENABLE_TASK_IAM_ROLE: "true" },
      });
      expect(lc.user_data).toContain(
        "ECS_CLUSTER=apps-test\nECS_ENABLE_TASK_IAM_ROLE=true\nECS_RESERVED_MEMORY=256\nEOF",
      );
    });

    it("defaults to an encrypted 30 GiB gp3 root volume", () => {
      expect(synth().lc.root_block_device).toEqual({
        volume_type: "gp3",
        volume_size: 30,
        encrypted: true,
        delete_on_termination: true,
      });
    });

    it("takes the root volume size from props", () => {
      expect(synth({ rootVolumeSizeGiB: 100 }).lc.root_block_device).toMatchObject({
        volume_size: 100,
        encrypted: true,
      });
    });

    it("gives instances no public address by default, whatever the subnet's setting", () => {
      expect(synth().lc.associate_public_ip_address).toBe(false);
    });

    it("gives instances a public address when told to", () => {
      expect(synth({ associatePublicIpAddress: true }).lc.associate_public_ip_address).toBe(true);
    });

    it("has no key pair by default", () => {
      expect(synth().lc).not.toHaveProperty("key_name");
    });

    it("uses the key pair when one is given", () => {
      expect(synth({ keyName: "ops" }).lc.key_name).toBe("ops");
    });
  });

  describe("autoscaling group", () => {
    it("generates its name from the launch configuration's, so a new LC or a retry gets a new name", () => {
      const { asg } = synth();
      expect(asg.name_prefix).toBe("${aws_launch_configuration.instances.name}-");
      expect(asg.launch_configuration).toBe("${aws_launch_configuration.instances.name}");
      expect(asg).not.toHaveProperty("name");
    });

    it("is created before the old one is destroyed and never force-deleted", () => {
      const { asg } = synth();
      expect(asg.lifecycle).toEqual({ create_before_destroy: true });
      expect(asg).not.toHaveProperty("force_delete");
    });

    it("runs the given capacity in the given subnets", () => {
      expect(synth().asg).toMatchObject({
        min_size: 2,
        max_size: 4,
        desired_capacity: 3,
        vpc_zone_identifier: required.subnetIds,
      });
    });

    it("waits for capacity one registration heartbeat plus 5 minutes by default", () => {
      expect(synth().asg.wait_for_capacity_timeout).toBe("15m");
    });

    it("rounds a registration heartbeat up to whole minutes in the default capacity wait", () => {
      const { asg } = synth({}, { registrationTimeoutSeconds: 1000 });
      expect(asg.wait_for_capacity_timeout).toBe(`${17 + 5}m`);
    });

    it("takes the capacity wait from props", () => {
      expect(synth({ capacityTimeoutMinutes: 30 }).asg.wait_for_capacity_timeout).toBe("30m");
    });

    it("publishes GroupInServiceInstances every minute for the low-instance alarm", () => {
      const { asg } = synth();
      expect(asg.enabled_metrics).toContain("GroupInServiceInstances");
      expect(asg.metrics_granularity).toBe("1Minute");
    });

    it("declares the launch and drain hooks inline, both notifying the drain topic with the cluster as metadata", () => {
      const { doc, asg } = synth();
      expect(asg.initial_lifecycle_hook).toEqual([
        {
          name: LAUNCH_HOOK_NAME,
          lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
          notification_target_arn: "${aws_sns_topic.instance_drain.arn}",
          role_arn: "${aws_iam_role.lifecycle_hook.arn}",
          heartbeat_timeout: 600,
          default_result: "ABANDON",
          notification_metadata: '{"cluster":"apps-test"}',
        },
        {
          name: DRAIN_HOOK_NAME,
          lifecycle_transition: "autoscaling:EC2_INSTANCE_TERMINATING",
          notification_target_arn: "${aws_sns_topic.instance_drain.arn}",
          role_arn: "${aws_iam_role.lifecycle_hook.arn}",
          heartbeat_timeout: 1200,
          default_result: "CONTINUE",
          notification_metadata: '{"cluster":"apps-test"}',
        },
      ]);
      expect(doc.resource).not.toHaveProperty("aws_autoscaling_lifecycle_hook");
    });

    it("depends on the drain machinery, so Terraform keeps it until the old ASG has drained", () => {
      expect(synth().asg.depends_on).toEqual([
        "aws_lambda_function.instance_drain",
        "aws_lambda_function_recursion_config.instance_drain",
        "aws_sns_topic_subscription.instance_drain",
        "aws_lambda_permission.instance_drain",
        "aws_iam_role_policy.lifecycle_hook",
        "aws_iam_role_policy.instance_drain",
        "aws_sns_topic_policy.instance_drain",
      ]);
    });

    it("takes both hooks' heartbeats from the drain", () => {
      const { asg } = synth({}, { heartbeatTimeoutSeconds: 1800, registrationTimeoutSeconds: 900 });
      expect(asg.initial_lifecycle_hook).toEqual([
        expect.objectContaining({ name: LAUNCH_HOOK_NAME, heartbeat_timeout: 900 }),
        expect.objectContaining({ name: DRAIN_HOOK_NAME, heartbeat_timeout: 1800 }),
      ]);
    });

    it("waits on delete for the longest drain plus 10 minutes of shutdown by default", () => {
      // Default drain: up to 60 min waiting for capacity + the 60 min bound + one 1200 s
      // heartbeat (20 min) + 10 min shutdown.
      expect(synth().asg.timeouts).toEqual({ delete: "150m" });
    });

    it("takes the shutdown allowance from props", () => {
      expect(synth({ shutdownAllowanceMinutes: 4 }).asg.timeouts).toEqual({ delete: "144m" });
    });

    it("propagates Name and the given tags to instances, sorted by key", () => {
      expect(synth({ tags: { Stage: "test", Owner: "digital" } }).asg.tag).toEqual([
        { key: "Name", value: "apps-test", propagate_at_launch: true },
        { key: "Owner", value: "digital", propagate_at_launch: true },
        { key: "Stage", value: "test", propagate_at_launch: true },
        { key: "TerraformDeleteTimeout", value: "150m", propagate_at_launch: false },
      ]);
    });

    it("tags instances with only Name by default", () => {
      expect(synth().asg.tag).toEqual([
        { key: "Name", value: "apps-test", propagate_at_launch: true },
        { key: "TerraformDeleteTimeout", value: "150m", propagate_at_launch: false },
      ]);
    });

    it("keeps its delete timeout in a tag of its own too, so a new timeout updates the group", () => {
      const { asg } = synth({ shutdownAllowanceMinutes: 4 });
      expect(asg.tag).toContainEqual({
        key: "TerraformDeleteTimeout",
        value: (asg.timeouts as { delete: string }).delete,
        propagate_at_launch: false,
      });
    });
  });

  it("launches from a launch configuration by default, with no template or generation", () => {
    const { doc } = synth();
    expect(doc.resource).toHaveProperty("aws_launch_configuration");
    expect(doc.resource).not.toHaveProperty("aws_launch_template");
    expect(Object.keys(doc.resource?.terraform_data ?? {})).toEqual(["drain_hook"]);
  });

  it("exposes the launch configuration, the ASG and the delete timeout", () => {
    const stack = emptyStack();
    const { cluster, drain } = clusterWithDrain(stack);
    const instances = new ClusterInstances(stack, "Instances", { cluster, drain, ...required });
    expect(instances.launchConfiguration).toBeInstanceOf(LaunchConfiguration);
    expect(instances.autoScalingGroup).toBeInstanceOf(AutoscalingGroup);
    expect(instances.deleteTimeoutMinutes).toBe(150);
    expect(instances.capacityTimeoutMinutes).toBe(15);
  });

  it("rounds the worst case of a drain up to whole minutes in the delete timeout", () => {
    const stack = emptyStack();
    const { cluster, drain } = clusterWithDrain(stack, {
      drainTimeoutMinutes: 30,
      lambdaTimeoutSeconds: 600,
      heartbeatTimeoutSeconds: 1000,
    });
    const instances = new ClusterInstances(stack, "Instances", { cluster, drain, ...required });
    // 60 minutes of capacity wait and drain, 16 min 40 s of heartbeat, 10 of shutdown.
    expect(instances.deleteTimeoutMinutes).toBe(60 + 17 + 10);
  });

  it("synthesizes through cdktf's matchers too", () => {
    const synthesized = Testing.synthScope((scope) => {
      const { cluster, drain } = clusterWithDrain(scope);
      new ClusterInstances(scope, "Instances", { cluster, drain, ...required });
    });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      enabled_metrics: expect.arrayContaining(["GroupInServiceInstances"]),
    });
  });

  test.each<[string, Partial<ClusterInstancesProps>, string]>([
    [
      "a capacity wait as short as the launch hook's heartbeat",
      { capacityTimeoutMinutes: 10 },
      "ClusterInstances capacityTimeoutMinutes must be a whole number of minutes longer than the launch hook's heartbeat (registrationTimeoutSeconds 600), got 10",
    ],
    [
      "a fractional capacity wait",
      { capacityTimeoutMinutes: 12.5 },
      "ClusterInstances capacityTimeoutMinutes must be a whole number of minutes longer than the launch hook's heartbeat (registrationTimeoutSeconds 600), got 12.5",
    ],
  ])("rejects %s", (_case, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });

  it("rejects a capacity wait that a longer registration heartbeat outlasts", () => {
    expect(() =>
      synth({ capacityTimeoutMinutes: 20 }, { registrationTimeoutSeconds: 1500 }),
    ).toThrow(
      "ClusterInstances capacityTimeoutMinutes must be a whole number of minutes longer than the launch hook's heartbeat (registrationTimeoutSeconds 1500), got 20",
    );
  });
});
