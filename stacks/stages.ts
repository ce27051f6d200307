import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, describeValue } from "../lib/config-error";

/** The stages this app deploys, in rollout order: an AMI goes to staging first. */
export const STAGE_NAMES = ["staging", "production"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

const idOf = (prefix: string, what: string) =>
  z
    .string()
    .regex(
      new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`),
      `must be "${prefix}-" followed by 8 or 17 lowercase hex digits (${what})`,
    );

const positiveInt = z.int().positive("must be a whole number of at least 1");
const count = z.int().nonnegative("must be a whole number of at least 0");

/** How a JSON type is named in an error message. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  int: "a whole number",
  number: "a number",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

/** Settings of the drain Lambda and lifecycle hook; each is optional, see InstanceDrainProps. */
const drainSchema = z.strictObject({
  drainTimeoutMinutes: positiveInt.optional(),
  heartbeatTimeoutSeconds: positiveInt.optional(),
  lambdaTimeoutSeconds: positiveInt.optional(),
  pollSeconds: positiveInt.optional(),
  memorySizeMb: positiveInt.optional(),
  logRetentionDays: positiveInt.optional(),
});

const alarmSchema = z.strictObject({
  /** SNS topic notified when the alarm fires and when it recovers (e.g. the on-call topic). */
  actionsTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, "must be an SNS topic ARN")
    .optional(),
  evaluationPeriods: positiveInt.optional(),
});

const stageSchema = z
  .strictObject({
    /** AWS region of the stage, e.g. us-east-1. */
    region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"),
    /** ECS cluster name; also the name prefix of the launch configuration and the ASG. */
    clusterName: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
        "must be 2-40 lowercase letters, digits or hyphens, starting with a letter",
      ),
    /** The ECS-optimized AMI the instances boot from: the one value an AMI update changes. */
    amiId: idOf("ami", "an AMI id"),
    instanceType: z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type like t3.large"),
    minSize: count,
    maxSize: positiveInt,
    desiredCapacity: count,
    subnetIds: z.array(idOf("subnet", "a subnet id")).min(1, "must list at least one subnet"),
    securityGroupIds: z
      .array(idOf("sg", "a security group id"))
      .min(1, "must list at least one security group"),
    instanceProfileName: z
      .string()
      .regex(/^[\w+=,.@-]{1,128}$/, "must be an IAM instance profile name"),
    keyName: z.string().min(1, "must not be empty").optional(),
    rootVolumeSizeGiB: positiveInt.optional(),
    /** Extra lines for /etc/ecs/ecs.config, e.g. { "ECS_ENABLE_TASK_IAM_ROLE": "true" }. */
    ecsAgentSettings: z.record(z.string(), z.string()).optional(),
    containerInsights: z.boolean().optional(),
    /** S3 bucket and DynamoDB lock table of the Terraform state (one state key per stage). */
    stateBucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
    stateLockTable: z.string().regex(/^[\w.-]{3,255}$/, "must be a DynamoDB table name"),
    drain: drainSchema.optional(),
    alarm: alarmSchema.optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .superRefine((stage, ctx) => {
    if (stage.maxSize < stage.minSize) {
      ctx.addIssue({
        code: "custom",
        path: ["maxSize"],
        message: `must be at least minSize (${stage.minSize})`,
      });
    } else if (stage.desiredCapacity < stage.minSize || stage.desiredCapacity > stage.maxSize) {
      ctx.addIssue({
        code: "custom",
        path: ["desiredCapacity"],
        message: `must be between minSize (${stage.minSize}) and maxSize (${stage.maxSize})`,
      });
    }
  });

const stagesSchema = z
  .strictObject({ staging: stageSchema, production: stageSchema })
  .superRefine(({ production }, ctx) => {
    // Production survives the loss of an instance or an AZ: two instances, two subnets.
    if (production.minSize < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["production", "minSize"],
        message: "must be at least 2 (production runs on two or more instances)",
      });
    }
    if (new Set(production.subnetIds).size < 2) {
      ctx.addIssue({
        code: "custom",
        path: ["production", "subnetIds"],
        message: "must list at least two distinct subnets (production spans two AZs)",
      });
    }
  });

/** One stage's validated settings, as written in stacks/stages.json. */
export type StageConfig = z.infer<typeof stageSchema>;
export type Stages = Readonly<Record<StageName, StageConfig>>;

/**
 * Validates parsed stages.json content. Throws a ConfigError whose one-line message names the
 * source, the stage and field, what is allowed and the value received.
 */
export function parseStages(raw: unknown, source: string): Stages {
  const result = stagesSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new ConfigError(`${source}: ${describeIssue(result.error.issues[0], raw)}`);
}

/** Reads and validates a stages file (by default stacks/stages.json). */
export function readStages(path: string): Stages {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseStages(raw, path);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const path = issue.path.map(String);
  const received = valueAt(raw, path);
  if (path.length === 0 && issue.code === "invalid_type") {
    return `must be an object keyed by stage name (${STAGE_NAMES.join(", ")}), got ${describeValue(raw)}`;
  }
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const what =
      path.length === 0 ? `unknown stage (known: ${STAGE_NAMES.join(", ")})` : "unknown field";
    return `${render([...path, key])}: ${what}, got ${describeValue(valueAt(raw, [...path, key]))}`;
  }
  if (received === undefined) {
    return `${render(path)}: ${path.length === 1 ? "stage" : "field"} is missing`;
  }
  const message =
    issue.code === "invalid_type"
      ? `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`
      : issue.message;
  return `${render(path)}: ${message}, got ${describeValue(received)}`;
}

function render(path: readonly string[]): string {
  return path.reduce(
    (out, key) => (/^\d+$/.test(key) ? `${out}[${key}]` : out ? `${out}.${key}` : key),
    "",
  );
}

function valueAt(raw: unknown, path: readonly string[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
