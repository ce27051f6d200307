/**
 * The first rollout after adoption, as docs/adopting.md runs it: a cluster and a group that
 * exist before this project (their termination hook notifying the old CloudFormation topic),
 * imported by the stack (`stacks/imports/<stage>.json`, as `adopt --write` writes it); the drain
 * machinery applied alone (the documented `-target`s); the old group's hook handed over by the
 * operator CLI itself (`adopt hand-over --apply`, run against the simulated AWS); then the whole
 * stack, which imports the launch configuration and group and replaces them: a rollout.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { FIXED_ADDRESSES } from "../../constructs/readable-address";
import type { ImportEntry } from "../../config/imports";
import { readStages, type StageName } from "../../config/stages";
import type { Note } from "./rehearsal";
import { ACCOUNT_ID } from "../aws/service";
import type { SimulatedAws } from "../aws/simulation";
import { STAGES_FILE } from "./synthesize";

const stageConfig = (stage: StageName) => readStages(STAGES_FILE)[stage];

/** What the old HCL repository called the objects (any name inside `<clusterName>-`). */
const oldNames = (clusterName: string) => ({
  launchConfiguration: `${clusterName}-hcl-lc`,
  group: `${clusterName}-hcl-asg`,
  topic: `${clusterName}-cloudformation-lifecycle`,
});

/** The drain resources applied before the hand-over (docs/adopting.md, step 4.1). */
export const DRAIN_MACHINERY_TARGETS = [
  "aws_sns_topic_subscription.instance_drain",
  "aws_lambda_permission.instance_drain",
  "aws_lambda_function_recursion_config.instance_drain",
  "aws_sns_topic_policy.instance_drain",
  "aws_iam_role_policy.lifecycle_hook",
  "aws_cloudwatch_metric_alarm.instance_drain_errors",
  "aws_cloudwatch_metric_alarm.instance_drain_failures",
  "aws_cloudwatch_metric_alarm.instance_drain_failure_backlog",
];

/** The imports `adopt --write` would write for the objects {@link preexisting} creates. */
export function adoptionImports(stageName: StageName): ImportEntry[] {
  const stage = stageConfig(stageName);
  const old = oldNames(stage.clusterName);
  return [
    { to: FIXED_ADDRESSES.cluster, id: stage.clusterName },
    { to: FIXED_ADDRESSES.launchConfiguration, id: old.launchConfiguration },
    { to: FIXED_ADDRESSES.autoScalingGroup, id: old.group },
  ];
}

/**
 * Creates what the old repository made: the cluster, a launch configuration and a group of the
 * stage's size whose termination hook notifies the old topic; waits until its instances serve.
 */
export function preexisting(stageName: StageName): (aws: SimulatedAws) => Promise<void> {
  return async (aws) => {
    const stage = stageConfig(stageName);
    const old = oldNames(stage.clusterName);
    const call = (
      service: { handle: SimulatedAws["ecs"]["handle"] },
      operation: string,
      params: object,
    ) =>
      service.handle({
        operation,
        params: params as Record<string, unknown>,
        region: stage.region,
        method: "POST",
        path: "/",
      });
    call(aws.ecs, "CreateCluster", { clusterName: stage.clusterName });
    call(aws.sns, "CreateTopic", { Name: old.topic });
    call(aws.autoScaling, "CreateLaunchConfiguration", {
      LaunchConfigurationName: old.launchConfiguration,
      ImageId: stage.amiId,
      InstanceType: stage.instanceType,
      UserData: Buffer.from(
        `#!/bin/bash\necho ECS_CLUSTER=${stage.clusterName} >> /etc/ecs/ecs.config\n`,
      ).toString("base64"),
    });
    const size = String(stage.desiredCapacity);
    call(aws.autoScaling, "CreateAutoScalingGroup", {
      AutoScalingGroupName: old.group,
      LaunchConfigurationName: old.launchConfiguration,
      MinSize: size,
      MaxSize: size,
      DesiredCapacity: size,
      VPCZoneIdentifier: stage.subnetIds.join(","),
    });
    call(aws.autoScaling, "PutLifecycleHook", {
      AutoScalingGroupName: old.group,
      LifecycleHookName: "cloudformation-drain",
      LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      NotificationTargetARN: `arn:aws:sns:${stage.region}:${ACCOUNT_ID}:${old.topic}`,
      RoleARN: `arn:aws:iam::${ACCOUNT_ID}:role/cloudformation-lifecycle-hook`,
      HeartbeatTimeout: "900",
      DefaultResult: "CONTINUE",
    });
    const registered = () =>
      aws.timeline.filter((e) => / registered with ECS cluster /.test(e.event)).length;
    while (registered() < stage.desiredCapacity) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
}

/** `npm run cluster -- adopt hand-over <stage> --apply`, against the simulated AWS. */
export function handOver(stageName: StageName) {
  return async (aws: SimulatedAws, note: Note): Promise<void> => {
    const stage = stageConfig(stageName);
    const cli = path.join(__dirname, "..", "..", "bin", "apps-cluster.cjs");
    const args = [
      "adopt",
      "hand-over",
      stageName,
      "--apply",
      "--group",
      oldNames(stage.clusterName).group,
    ];
    const child = spawn(process.execPath, [cli, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH,
        AWS_ENDPOINT_URL: aws.server.url,
        AWS_REGION: stage.region,
        AWS_ACCESS_KEY_ID: "offline",
        AWS_SECRET_ACCESS_KEY: "offline",
      },
    });
    const output: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => output.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => output.push(chunk));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const text = Buffer.concat(output).toString().trim();
    if (status !== 0) throw new Error(`adopt hand-over failed (${status}): ${text}`);
    note(`adopt hand-over: ${text.split("\n").find((l) => l.startsWith("handed over")) ?? text}`);
  };
}
