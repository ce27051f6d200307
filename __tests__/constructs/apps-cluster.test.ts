import "../support/cdktf-matchers";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { LaunchConfiguration } from "@cdktf/provider-aws/lib/launch-configuration";
import { Testing } from "cdktf";
import { AppsCluster, AppsClusterProps } from "../../constructs/apps-cluster";
import { DRAIN_ZIP, onlyResource, synthScope } from "../../simulation/fixtures";
import { COMMITTED_AMI } from "../../simulation/amis";

const props: AppsClusterProps = {
  clusterName: "apps-test",
  amiId: COMMITTED_AMI,
  instanceType: "t3.large",
  instanceProfileName: "apps-test-ecs-instance",
  securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
  subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
  minSize: 2,
  maxSize: 3,
  desiredCapacity: 2,
  drainCodeZipPath: DRAIN_ZIP,
};

const synth = (overrides: Partial<AppsClusterProps> = {}) =>
  synthScope((scope) => new AppsCluster(scope, "Apps", { ...props, ...overrides }));

describe("AppsCluster", () => {
  it("composes the cluster, the drain, the instances and the alarm under readable addresses", () => {
    const doc = synth();
    expect(Object.keys(doc.resource?.aws_ecs_cluster ?? {})).toEqual(["cluster"]);
    expect(Object.keys(doc.resource?.aws_launch_configuration ?? {})).toEqual(["instances"]);
    expect(Object.keys(doc.resource?.aws_autoscaling_group ?? {})).toEqual(["instances"]);
    expect(Object.keys(doc.resource?.aws_cloudwatch_metric_alarm ?? {}).sort()).toEqual([
      "instance_drain_errors",
      "instance_drain_failure_backlog",
      "instance_drain_failures",
      "low_instance_alarm",
    ]);
    expect(Object.keys(doc.resource?.aws_lambda_function ?? {})).toEqual(["instance_drain"]);
  });

  it("alarms below the cluster's minimum size under a name derived from the cluster", () => {
    expect(synth().resource?.aws_cloudwatch_metric_alarm?.low_instance_alarm).toMatchObject({
      alarm_name: "apps-test-low-instances",
      threshold: 2,
    });
  });

  it("passes the drain settings to the function and the hook", () => {
    const doc = synth({
      drain: {
        drainTimeoutMinutes: 20,
        heartbeatTimeoutSeconds: 1200,
        registrationTimeoutSeconds: 300,
      },
    });
    expect(onlyResource(doc, "aws_lambda_function").environment).toMatchObject({
      variables: { MAX_DRAIN_SECONDS: "1200", REGISTRATION_TIMEOUT_SECONDS: "300" },
    });
    expect(onlyResource(doc, "aws_autoscaling_group")).toMatchObject({
      initial_lifecycle_hook: [
        expect.objectContaining({ heartbeat_timeout: 300 }),
        expect.objectContaining({ heartbeat_timeout: 1200 }),
      ],
      timeouts: { delete: `${2 * 20 + 20 + 10}m` },
      wait_for_capacity_timeout: `${5 + 5}m`,
    });
  });

  it("passes the alarm topic to both alarms and the evaluation periods to the alarm", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    const doc = synth({ alarm: { actionsTopicArn: topic, evaluationPeriods: 3 } });
    const alarms = doc.resource?.aws_cloudwatch_metric_alarm ?? {};
    expect(alarms.low_instance_alarm).toMatchObject({
      alarm_actions: [topic],
      evaluation_periods: 3,
    });
    expect(alarms.instance_drain_errors).toMatchObject({ alarm_actions: [topic] });
    expect(alarms.instance_drain_failures).toMatchObject({ alarm_actions: [topic] });
  });

  it("passes instance settings and tags to the launch configuration and the ASG", () => {
    const synthesized = Testing.synthScope(
      (scope) =>
        new AppsCluster(scope, "Apps", {
          ...props,
          keyName: "ops",
          rootVolumeSizeGiB: 50,
          ecsAgentSettings: { ECS_LOGLEVEL: "warn" },
          containerInsights: true,
          tags: { Stage: "test" },
        }),
    );
    expect(synthesized).toHaveResourceWithProperties(LaunchConfiguration, {
      key_name: "ops",
      root_block_device: expect.objectContaining({ volume_size: 50 }),
      user_data: expect.stringContaining("ECS_LOGLEVEL=warn"),
    });
    expect(synthesized).toHaveResourceWithProperties(EcsCluster, {
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      tag: expect.arrayContaining([{ key: "Stage", value: "test", propagate_at_launch: true }]),
    });
  });
});
