/**
 * The change-set scenarios leave out what they do not test; `completeRequired` gives a required
 * argument any value of the right type, the real provider checks them (enumerations, JSON
 * policies, ARNs, "exactly one of"). These values pass its checks; they are added alike to both
 * sides of a scenario where neither sets the argument, so the diff stays the scenario's own.
 */
import type { BlockConfig, JsonValue, SynthesizedDocument } from "../../../change-set/document";

const POLICY = '{"Version":"2012-10-17","Statement":[]}';

export const VALID_ARGUMENTS: Readonly<Record<string, Readonly<Record<string, JsonValue>>>> = {
  // Exactly one of launch_configuration, launch_template, mixed_instances_policy.
  aws_autoscaling_group: { launch_configuration: "stand-in", max_size: 1, min_size: 0 },
  aws_cloudwatch_metric_alarm: {
    comparison_operator: "LessThanThreshold",
    evaluation_periods: 1,
    statistic: "Minimum",
    period: 60,
  },
  aws_iam_role: { assume_role_policy: POLICY },
  aws_iam_role_policy: { policy: POLICY, role: "stand-in" },
  aws_lambda_function: {
    role: "arn:aws:iam::123456789012:role/stand-in",
    filename: "stand-in.zip",
    handler: "index.handler",
    runtime: "nodejs22.x",
  },
  aws_lambda_permission: {
    action: "lambda:InvokeFunction",
    function_name: "stand-in",
    principal: "sns.amazonaws.com",
  },
  aws_sns_topic_subscription: {
    protocol: "sqs",
    endpoint: "arn:aws:sqs:us-east-1:123456789012:stand-in",
    topic_arn: "arn:aws:sns:us-east-1:123456789012:stand-in",
  },
};

type Blocks = Record<string, Record<string, Record<string, JsonValue>>>;

/** Both sides with `VALID_ARGUMENTS` added to each block where neither side sets them. */
export function withValidArguments(
  pair: readonly [SynthesizedDocument, SynthesizedDocument],
): [SynthesizedDocument, SynthesizedDocument] {
  const [before, after] = pair.map((document) => structuredClone(document.resource ?? {})) as [
    Blocks,
    Blocks,
  ];
  for (const [type, values] of Object.entries(VALID_ARGUMENTS)) {
    const names = new Set([...Object.keys(before[type] ?? {}), ...Object.keys(after[type] ?? {})]);
    for (const name of names) {
      const sides = [before[type]?.[name], after[type]?.[name]].filter(
        (config): config is Record<string, JsonValue> => config !== undefined,
      );
      for (const [attribute, value] of Object.entries(values)) {
        if (sides.some((config) => isSet((config as BlockConfig)[attribute]))) continue;
        for (const config of sides) config[attribute] = value;
      }
    }
  }
  return [
    { ...pair[0], resource: before },
    { ...pair[1], resource: after },
  ];
}

function isSet(value: JsonValue | undefined): boolean {
  return value !== undefined && value !== null;
}
