import { readFileSync } from "node:fs";
import * as v from "valibot";
import { ConfigError, describeValue } from "../lib/config-error";
import {
  CLUSTER_NAME_PATTERN,
  CLUSTER_NAME_RULE,
  resourceIdPattern,
  resourceIdRule,
} from "../lib/naming-rules";

/** The stages this app deploys, in rollout order: an AMI goes to staging first. */
export const STAGE_NAMES = ["staging", "production"] as const;
export type StageName = (typeof STAGE_NAMES)[number];

// Every schema carries the message people see: "<stage>.<field>: <message>, got <value>".
const text = () => v.string("must be a string");
const matching = (pattern: RegExp, message: string) => v.pipe(text(), v.regex(pattern, message));
const idOf = (prefix: string, what: string) =>
  matching(resourceIdPattern(prefix), `${resourceIdRule(prefix)} (${what})`);
/** The rule for an `amiId`, also applied by the CLI to the ids people give it. */
export const amiIdSchema = idOf("ami", "an AMI id");
const wholeNumber = (min: number) =>
  v.pipe(
    v.number("must be a whole number"),
    v.integer("must be a whole number"),
    v.minValue(min, `must be a whole number of at least ${min}`),
  );
const positiveInt = wholeNumber(1);
const count = wholeNumber(0);
// Valibot's object and record schemas take a list too (as an object keyed 0, 1, ...).
const notAList = (message: string) => v.custom<unknown>((input) => !Array.isArray(input), message);
const textMap = () =>
  v.pipe(
    notAList("must be an object of strings"),
    v.record(text(), text(), "must be an object of strings"),
  );
const object = <T extends v.ObjectEntries>(entries: T) =>
  v.pipe(notAList("must be an object"), v.strictObject(entries, "must be an object"));

/** Settings of the drain Lambda and lifecycle hook; each is optional, see InstanceDrainProps. */
const drainSchema = object({
  drainTimeoutMinutes: v.optional(positiveInt),
  heartbeatTimeoutSeconds: v.optional(positiveInt),
  lambdaTimeoutSeconds: v.optional(positiveInt),
  pollSeconds: v.optional(positiveInt),
  memorySizeMb: v.optional(positiveInt),
  logRetentionDays: v.optional(positiveInt),
});

const alarmSchema = object({
  /** SNS topic notified when the alarm fires and when it recovers (e.g. the on-call topic). */
  actionsTopicArn: v.optional(
    matching(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, "must be an SNS topic ARN"),
  ),
  evaluationPeriods: v.optional(positiveInt),
});

const stageSchema = v.pipe(
  object({
    /** AWS region of the stage, e.g. us-east-1. */
    region: matching(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region like us-east-1"),
    /** ECS cluster name; also the name prefix of the launch configuration and the ASG. */
    clusterName: matching(CLUSTER_NAME_PATTERN, CLUSTER_NAME_RULE),
    /** The ECS-optimized AMI the instances boot from: the one value an AMI update changes. */
    amiId: amiIdSchema,
    instanceType: matching(
      /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
      "must be an EC2 instance type like t3.large",
    ),
    minSize: count,
    maxSize: positiveInt,
    desiredCapacity: count,
    subnetIds: v.pipe(
      v.array(idOf("subnet", "a subnet id"), "must be a list"),
      v.minLength(1, "must list at least one subnet"),
    ),
    securityGroupIds: v.pipe(
      v.array(idOf("sg", "a security group id"), "must be a list"),
      v.minLength(1, "must list at least one security group"),
    ),
    instanceProfileName: matching(/^[\w+=,.@-]{1,128}$/, "must be an IAM instance profile name"),
    keyName: v.optional(v.pipe(text(), v.minLength(1, "must not be empty"))),
    rootVolumeSizeGiB: v.optional(positiveInt),
    /** Extra lines for /etc/ecs/ecs.config, e.g. { "ECS_ENABLE_TASK_IAM_ROLE": "true" }. */
    ecsAgentSettings: v.optional(textMap()),
    containerInsights: v.optional(v.boolean("must be true or false")),
    /** S3 bucket and DynamoDB lock table of the Terraform state (one state key per stage). */
    stateBucket: matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
    stateLockTable: matching(/^[\w.-]{3,255}$/, "must be a DynamoDB table name"),
    drain: v.optional(drainSchema),
    alarm: v.optional(alarmSchema),
    tags: v.optional(textMap()),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const stage = dataset.value;
    const fail = (field: "maxSize" | "desiredCapacity", message: string) =>
      addIssue({ message, path: [pathItem(stage, field)] });
    if (stage.maxSize < stage.minSize) {
      fail("maxSize", `must be at least minSize (${stage.minSize})`);
    } else if (stage.desiredCapacity < stage.minSize || stage.desiredCapacity > stage.maxSize) {
      fail(
        "desiredCapacity",
        `must be between minSize (${stage.minSize}) and maxSize (${stage.maxSize})`,
      );
    }
  }),
);

const stagesSchema = v.pipe(
  object({ staging: stageSchema, production: stageSchema }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { staging, production } = dataset.value;
    const fail = (field: "minSize" | "subnetIds" | "clusterName", message: string) =>
      addIssue({
        message,
        path: [pathItem(dataset.value, "production"), pathItem(production, field)],
      });
    // Production survives the loss of an instance or an AZ: two instances, two subnets.
    if (production.minSize < 2) {
      fail("minSize", "must be at least 2 (production runs on two or more instances)");
    }
    if (new Set(production.subnetIds).size < 2) {
      fail("subnetIds", "must list at least two distinct subnets (production spans two AZs)");
    }
    // Each drain function may act on the ASGs named `<clusterName>-*`: those sets must not meet.
    const [a, b] = [`${staging.clusterName}-`, `${production.clusterName}-`];
    if (a.startsWith(b) || b.startsWith(a)) {
      fail(
        "clusterName",
        `must not equal staging's or share its "<clusterName>-" prefix ("${staging.clusterName}"), or each stage's drain function could act on the other's ASGs`,
      );
    }
  }),
);

/** The path item of `key` in an object, for issues added by cross-field checks. */
function pathItem<T extends object>(input: T, key: keyof T & string): v.ObjectPathItem {
  return {
    type: "object",
    origin: "value",
    input: input as Record<string, unknown>,
    key,
    value: input[key],
  };
}

/** One stage's validated settings, as written in stacks/stages.json. */
export type StageConfig = v.InferOutput<typeof stageSchema>;
export type Stages = Readonly<Record<StageName, StageConfig>>;

/**
 * Validates parsed stages.json content. Throws a ConfigError whose one-line message names the
 * source, the stage and field, what is allowed and the value received.
 */
export function parseStages(raw: unknown, source: string): Stages {
  const result = v.safeParse(stagesSchema, raw);
  if (result.success) return result.output;
  throw new ConfigError(`${source}: ${describeIssue(result.issues[0], raw)}`);
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

function describeIssue(issue: v.BaseIssue<unknown>, raw: unknown): string {
  const path = (issue.path ?? []).map((item) => String(item.key));
  if (path.length === 0) {
    return `must be an object keyed by stage name (${STAGE_NAMES.join(", ")}), got ${describeValue(raw)}`;
  }
  const key = path[path.length - 1];
  const parent = valueAt(raw, path.slice(0, -1));
  const present = parent !== null && typeof parent === "object" && Object.hasOwn(parent, key);
  if (!present) return `${render(path)}: ${path.length === 1 ? "stage" : "field"} is missing`;
  // A strict object reports a key it does not know as expecting "never" there.
  if (issue.type === "strict_object" && issue.expected === "never") {
    const what =
      path.length === 1 ? `unknown stage (known: ${STAGE_NAMES.join(", ")})` : "unknown field";
    return `${render(path)}: ${what}, got ${describeValue(valueAt(raw, path))}`;
  }
  return `${render(path)}: ${issue.message}, got ${describeValue(valueAt(raw, path))}`;
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
