import {
  clusterNameProblem,
  clusterNames,
  MAX_CLUSTER_NAME_LENGTH,
} from "../../config/cluster-names";
import { baseStages, synthStages } from "../../simulation/fixtures";

/**
 * The documented limits, written out here on their own so the test does not just restate
 * config/cluster-names.ts: Lambda function and IAM role names 64, SQS queue names 80, SNS topic
 * names 256, CloudWatch alarm, launch configuration and autoscaling group names 255.
 */
const LIMITS: Record<string, number> = {
  aws_lambda_function: 64,
  aws_iam_role: 64,
  aws_sqs_queue: 80,
  aws_sns_topic: 256,
  aws_cloudwatch_metric_alarm: 255,
  aws_ecs_cluster: 255,
  aws_cloudwatch_log_group: 512,
};
const GENERATED = 26;

/** Every name attribute the synthesized stack sets, per resource type. */
function namesOf(doc: ReturnType<typeof synthStages>["staging"]): [string, string][] {
  const names: [string, string][] = [];
  for (const [type, blocks] of Object.entries(doc.resource ?? {})) {
    for (const config of Object.values(blocks)) {
      for (const key of ["name", "function_name", "alarm_name"]) {
        const value = (config as Record<string, unknown>)[key];
        if (typeof value === "string" && !value.includes("${")) names.push([type, value]);
      }
    }
  }
  return names;
}

describe("cluster names", () => {
  it.each([
    ["AppsStaging", "AppsProd"],
    ["x".repeat(MAX_CLUSTER_NAME_LENGTH), "y".repeat(MAX_CLUSTER_NAME_LENGTH)],
  ])("synthesizes %s / %s with every derived name within its service's limit", (a, b) => {
    const stages = baseStages();
    stages.staging.clusterName = a;
    stages.production.clusterName = b;
    const { staging, production } = synthStages(stages);
    for (const doc of [staging, production]) {
      const names = namesOf(doc);
      expect(names.map(([type]) => type)).toEqual(
        expect.arrayContaining(["aws_lambda_function", "aws_iam_role", "aws_sqs_queue"]),
      );
      for (const [type, name] of names) {
        expect([type, name, name.length <= (LIMITS[type] ?? 255)]).toEqual([type, name, true]);
      }
      const lc = Object.values(doc.resource?.aws_launch_configuration ?? {})[0] as {
        name_prefix: string;
      };
      // The generated launch configuration name, and the ASG's built from it plus "-".
      expect(lc.name_prefix.length + GENERATED).toBeLessThanOrEqual(255);
      expect(lc.name_prefix.length + 2 * GENERATED + 1).toBeLessThanOrEqual(255);
    }
  });

  it("names the limit a name one character too long breaks", () => {
    expect(clusterNameProblem("x".repeat(MAX_CLUSTER_NAME_LENGTH + 1))).toBe(
      `must be at most ${MAX_CLUSTER_NAME_LENGTH} characters: the drain function name would be 65 characters, and Lambda function names allow 64`,
    );
    expect(clusterNameProblem("x".repeat(MAX_CLUSTER_NAME_LENGTH))).toBeUndefined();
  });

  it("derives every name from the cluster name, keeping the prefix IAM scopes by", () => {
    expect(clusterNames("AppsProd")).toEqual({
      cluster: "AppsProd",
      instancePrefix: "AppsProd-",
      drainFunction: "AppsProd-instance-drain",
      drainLogGroup: "/aws/lambda/AppsProd-instance-drain",
      hookRole: "AppsProd-lifecycle-hook",
      failureQueue: "AppsProd-instance-drain-failures",
      lowInstanceAlarm: "AppsProd-low-instances",
      drainErrorsAlarm: "AppsProd-instance-drain-errors",
      failureQueueAlarm: "AppsProd-instance-drain-failures",
      failureBacklogAlarm: "AppsProd-instance-drain-failures-backlog",
    });
  });
});
