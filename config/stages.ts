import * as v from "valibot";
import { NUMBER_LIMITS, numberLimitProblem } from "./aws-rules/number-limits";
import { partitionOf, regionProblem } from "./aws-rules/regions";
import { closestName } from "./closest-name";
import { clusterNameProblem } from "./cluster-names";
import { ConfigError, describeValue, renderPath } from "./config-error";
import {
  INSTANCE_TYPE_PATTERN,
  INSTANCE_TYPE_RULE,
  launchConfigurationProblem,
} from "./instance-types";
import { parseJsonText } from "./json-text";
import { LAUNCH_KINDS } from "./launch-kinds";
import { resourceIdPattern, resourceIdRule } from "./naming-rules";
import { placeholderFields, stripPlaceholders } from "./placeholders";
import { tagProblem } from "./aws-rules/tags";
import { readUtf8File } from "./utf8-text";
import { DrainTimingError, resolveDrainTiming } from "../lambda/instance-drain/contract";

/** A stage's name: the key of its block in the stages file. */
export type StageName = string;

// A stage's name names its stack (cdktf.out/stacks/<name>), its state key and its imports file.
const STAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;
const STAGE_NAME_RULE =
  "is not a stage name: 1-32 lowercase letters, digits or hyphens, starting with a letter (it names the stage's stack, state key and imports file)";

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
const drainEntries = {
  drainTimeoutMinutes: v.optional(positiveInt),
  heartbeatTimeoutSeconds: v.optional(positiveInt),
  registrationTimeoutSeconds: v.optional(positiveInt),
  lambdaTimeoutSeconds: v.optional(positiveInt),
  pollSeconds: v.optional(positiveInt),
  memorySizeMb: v.optional(positiveInt),
  logRetentionDays: v.optional(positiveInt),
};
const drainSchema = object(drainEntries);

const alarmEntries = {
  /** SNS topic notified when the alarm fires and when it recovers (e.g. the on-call topic). */
  actionsTopicArn: v.optional(
    matching(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, "must be an SNS topic ARN"),
  ),
  evaluationPeriods: v.optional(positiveInt),
};
const alarmSchema = object(alarmEntries);

const stageEntries = {
  /** AWS region of the stage, e.g. us-east-1. */
  region: v.pipe(
    text(),
    v.check(
      (region) => regionProblem(region) === undefined,
      (issue) => regionProblem(String(issue.input)) ?? "",
    ),
  ),
  /** ECS cluster name; also the name prefix of the launch configuration and the ASG. */
  clusterName: v.pipe(
    text(),
    v.check(
      (name) => clusterNameProblem(name) === undefined,
      (issue) => clusterNameProblem(String(issue.input)) ?? "",
    ),
  ),
  /** The ECS-optimized AMI the instances boot from: the one value an AMI update changes. */
  amiId: amiIdSchema,
  /** Checked against `launch` too: a launch configuration cannot launch post-2022 families. */
  instanceType: matching(INSTANCE_TYPE_PATTERN, INSTANCE_TYPE_RULE),
  /**
   * What the instances launch from: a launch configuration (what the live clusters use) or a
   * launch template (every current instance type). Changing it is one rollout.
   */
  launch: v.optional(
    v.picklist(
      LAUNCH_KINDS,
      'must be "configuration" (a launch configuration, the default) or "template" (a launch template)',
    ),
  ),
  /** At least 1: the low-instance alarm fires when fewer than minSize instances serve. */
  minSize: v.pipe(
    v.number("must be a whole number"),
    v.integer("must be a whole number"),
    v.minValue(1, "must be at least 1 (the low-instance alarm fires below minSize instances)"),
  ),
  maxSize: positiveInt,
  desiredCapacity: count,
  /**
   * Availability Zones the stage spans at least: it needs as many distinct subnets and
   * instances, and `check` looks up that the subnets' zones are that many. Default 1.
   */
  minAvailabilityZones: v.optional(positiveInt),
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
  /**
   * Extra lines for /etc/ecs/ecs.config, e.g. { "ECS_ENABLE_TASK_IAM_ROLE": "true" }: ECS agent
   * variables other than ECS_CLUSTER (the project sets it), one line each.
   */
  ecsAgentSettings: v.optional(textMap()),
  containerInsights: v.optional(v.boolean("must be true or false")),
  /** 1: containers in bridge mode cannot reach instance metadata; 2: they can (IMDSv2 only). */
  instanceMetadataHopLimit: v.optional(
    v.picklist(
      [1, 2],
      "must be 1 (containers cannot reach instance metadata) or 2 (containers in bridge network mode can, with IMDSv2)",
    ),
  ),
  /** Whether instances get a public IPv4 address, whatever their subnet's own setting. */
  associatePublicIpAddress: v.optional(v.boolean("must be true or false")),
  /** S3 bucket of the Terraform state (one state key per stage). */
  stateBucket: matching(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
  /** DynamoDB lock table, only for Terraform older than 1.10; otherwise an S3 lock file. */
  stateLockTable: v.optional(matching(/^[\w.-]{3,255}$/, "must be a DynamoDB table name")),
  drain: v.optional(drainSchema),
  alarm: v.optional(alarmSchema),
  tags: v.optional(textMap()),
};

/**
 * Every field a stage can set, those of `drain` and `alarm` as `drain.pollSeconds`: what the
 * tests edit one at a time to check each against the real provider's plan.
 */
export const STAGE_FIELDS: readonly string[] = Object.keys(stageEntries).flatMap((key) =>
  key === "drain"
    ? Object.keys(drainEntries).map((field) => `drain.${field}`)
    : key === "alarm"
      ? Object.keys(alarmEntries).map((field) => `alarm.${field}`)
      : [key],
);

const stageSchema = v.pipe(
  object(stageEntries),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const stage = dataset.value;
    // An ARN of another region or partition fails at apply, or silently: an alarm notifies nobody.
    const partition = partitionOf(stage.region);
    for (const { path, arn } of arnsIn(stage, [])) {
      const [, arnPartition, , arnRegion] = arn.split(":");
      const message =
        arnPartition !== partition
          ? `must be in the stage's partition (${partition}, from region ${stage.region})`
          : arnRegion !== "" && arnRegion !== stage.region
            ? `must be in the stage's region (${stage.region})`
            : undefined;
      if (message !== undefined) addIssue({ message, path });
    }
    const fail = (
      field:
        | "maxSize"
        | "desiredCapacity"
        | "instanceType"
        | "minSize"
        | "subnetIds"
        | "associatePublicIpAddress",
      message: string,
    ) => addIssue({ message, path: [pathItem(stage, field)] });
    for (const [key, value] of Object.entries(stage.ecsAgentSettings ?? {})) {
      const path = objectPath(stage, ["ecsAgentSettings", key]);
      if (path === undefined) continue;
      if (!/^ECS_[A-Z0-9_]+$/.test(key) || key === "ECS_CLUSTER") {
        const [settingsItem] = path;
        const message = "keys must be ECS_* agent variables other than ECS_CLUSTER";
        addIssue({ message, path: [settingsItem], expected: KEY_ISSUE, received: key });
      } else if (/[\r\n]/.test(value)) {
        // A line break would write a line of its own, ECS_CLUSTER=... included.
        addIssue({ message: "must be one line", path });
      }
    }
    const tooNew = launchConfigurationProblem(stage.instanceType);
    if ((stage.launch ?? "configuration") === "configuration" && tooNew !== undefined) {
      fail("instanceType", tooNew);
    }
    // A launch template leaves the address to the subnet (check reports a public one).
    if (stage.launch === "template" && stage.associatePublicIpAddress !== undefined) {
      fail(
        "associatePublicIpAddress",
        "applies to a launch configuration only (a launch template leaves it to the subnet); remove it",
      );
    }
    if (stage.maxSize < stage.minSize) {
      fail("maxSize", `must be at least minSize (${stage.minSize})`);
    } else if (stage.desiredCapacity < stage.minSize || stage.desiredCapacity > stage.maxSize) {
      fail(
        "desiredCapacity",
        `must be between minSize (${stage.minSize}) and maxSize (${stage.maxSize})`,
      );
    }
    // A stage that survives the loss of a zone runs an instance in each of its zones.
    const zones = stage.minAvailabilityZones ?? 1;
    if (stage.minSize < zones) {
      fail("minSize", `must be at least minAvailabilityZones (${zones}): an instance per zone`);
    }
    if (new Set(stage.subnetIds).size < zones) {
      fail(
        "subnetIds",
        `must list at least minAvailabilityZones (${zones}) distinct subnets, one per zone`,
      );
    }
  }),
  // AWS's documented limits on each number and on the tags (config/aws-rules/).
  v.rawCheck(({ dataset, addIssue }) => {
    if (dataset.typed) for (const issue of awsLimitIssues(dataset.value)) addIssue(issue);
  }),
  // The drain's timeouts must fit together: the function's contract owns that rule (the
  // InstanceDrain construct applies it to props given in code); here it names the file's field.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || dataset.value.drain === undefined) return;
    const { drain } = dataset.value;
    try {
      resolveDrainTiming(drain);
    } catch (error) {
      if (!(error instanceof DrainTimingError)) throw error;
      addIssue({
        message: error.rule,
        path: [pathItem(dataset.value, "drain"), pathItem(drain, error.field)],
      });
    }
  }),
);

const STAGES_RULE = "must be an object with one block per stage, in rollout order";
const stagesSchema = v.pipe(
  notAList(STAGES_RULE),
  v.record(v.pipe(text(), v.regex(STAGE_NAME_PATTERN, STAGE_NAME_RULE)), stageSchema, STAGES_RULE),
  v.check((stages) => Object.keys(stages).length > 0, "must name at least one stage"),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const stages = dataset.value;
    // Each drain function may act on the ASGs named `<clusterName>-*`: those sets must not meet.
    rolloutOrder(stages).forEach((name, index, names) => {
      const prefix = `${stages[name].clusterName}-`;
      for (const earlier of names.slice(0, index)) {
        const earlierPrefix = `${stages[earlier].clusterName}-`;
        if (!prefix.startsWith(earlierPrefix) && !earlierPrefix.startsWith(prefix)) continue;
        addIssue({
          message: `must not equal ${earlier}'s or share its "<clusterName>-" prefix ("${stages[earlier].clusterName}"), or each stage's drain function could act on the other's ASGs`,
          path: [pathItem(stages, name), pathItem(stages[name], "clusterName")],
        });
      }
    });
  }),
);

/**
 * The stages in rollout order, which is their order in the stages file: an AMI goes to the
 * first one first, and `ami promote` copies it from each stage to the next.
 */
export function rolloutOrder(stages: Stages): StageName[] {
  return Object.keys(stages);
}

/**
 * One line when `name` is not a stage of `stages` (read from `source`), naming the stages and
 * the likeliest one meant; undefined when it is one. For commands that take a stage's name.
 */
export function unknownStage(stages: Stages, name: string, source: string): string | undefined {
  const names = rolloutOrder(stages);
  if (names.includes(name)) return undefined;
  const guess = closestName(name, names);
  const hint = guess === undefined ? "" : `; did you mean ${guess}?`;
  return `unknown stage "${name}"${hint} (the stages in ${source}: ${names.join(", ")})`;
}

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

/**
 * The path of every number field a stage may have, read from the schema: each must have an AWS
 * limit in config/aws-rules/number-limits.ts (a test holds the two together).
 */
export function numberFieldPaths(): string[][] {
  const nested: Readonly<Record<string, v.ObjectEntries>> = {
    drain: drainEntries,
    alarm: alarmEntries,
  };
  return Object.entries(stageEntries).flatMap(([key, schema]) =>
    Object.hasOwn(nested, key)
      ? Object.entries(nested[key])
          .filter(([, field]) => isNumberSchema(field))
          .map(([field]) => [key, field])
      : isNumberSchema(schema)
        ? [[key]]
        : [],
  );
}

function isNumberSchema(schema: v.GenericSchema): boolean {
  const inner =
    schema.type === "optional"
      ? (schema as v.OptionalSchema<v.GenericSchema, undefined>).wrapped
      : schema;
  return inner.type === "number";
}

/** Marks an issue about a key, shown with the key (`received`) rather than with its value. */
const KEY_ISSUE = "key";

interface LimitIssue {
  readonly message: string;
  readonly path: [v.IssuePathItem, ...v.IssuePathItem[]];
  readonly expected?: string;
  readonly received?: string;
}

/** Where a stage breaks a limit AWS documents: its numbers, its tags. */
function awsLimitIssues(stage: Readonly<Record<string, unknown>>): LimitIssue[] {
  const issues: LimitIssue[] = [];
  for (const limit of NUMBER_LIMITS) {
    const path = objectPath(stage, limit.path);
    const value = path?.[path.length - 1].value;
    const message = typeof value === "number" ? numberLimitProblem(limit, value) : undefined;
    if (path !== undefined && message !== undefined) issues.push({ message, path });
  }
  const tags = stage.tags as Readonly<Record<string, string>> | undefined;
  const problem = tags === undefined ? undefined : tagProblem(tags);
  if (problem?.valueKey !== undefined) {
    const path = objectPath(stage, ["tags", problem.valueKey]);
    if (path !== undefined) issues.push({ message: problem.message, path });
  } else if (problem !== undefined) {
    const path = objectPath(stage, ["tags"]);
    const key = problem.key === undefined ? {} : { expected: KEY_ISSUE, received: problem.key };
    if (path !== undefined) issues.push({ message: problem.message, path, ...key });
  }
  return issues;
}

/** The path items of `keys` inside `input`; `undefined` when one of them is not there. */
function objectPath(
  input: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): [v.ObjectPathItem, ...v.ObjectPathItem[]] | undefined {
  const items: v.ObjectPathItem[] = [];
  let parent: unknown = input;
  for (const key of keys) {
    if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, key)) {
      return undefined;
    }
    const object = parent as Record<string, unknown>;
    items.push({ type: "object", origin: "value", input: object, key, value: object[key] });
    parent = object[key];
  }
  const [first, ...rest] = items;
  return first === undefined ? undefined : [first, ...rest];
}

/** Every string in a stage that is an ARN, with its path for an issue. */
function* arnsIn(
  value: unknown,
  path: readonly v.IssuePathItem[],
): Generator<{ path: [v.IssuePathItem, ...v.IssuePathItem[]]; arn: string }> {
  const [first, ...rest] = path;
  if (typeof value === "string" && value.startsWith("arn:") && first !== undefined) {
    yield { path: [first, ...rest], arn: value };
  } else if (Array.isArray(value)) {
    for (const [key, item] of value.entries()) {
      yield* arnsIn(item, [
        ...path,
        { type: "array", origin: "value", input: value, key, value: item },
      ]);
    }
  } else if (typeof value === "object" && value !== null) {
    const input = value as Record<string, unknown>;
    for (const [key, item] of Object.entries(input)) {
      yield* arnsIn(item, [...path, { type: "object", origin: "value", input, key, value: item }]);
    }
  }
}

/** One stage's validated settings, as written in stacks/stages.json. */
export type StageConfig = v.InferOutput<typeof stageSchema>;
export type Stages = Readonly<Record<StageName, StageConfig>>;

/** Validated stages and, per stage, the fields that still hold placeholders (`subnetIds[0]`). */
export interface LoadedStages {
  readonly stages: Stages;
  readonly placeholders: Readonly<Record<StageName, readonly string[]>>;
}

/**
 * Validates parsed stages.json content. Throws a ConfigError whose one-line message names the
 * source, the stage and field, what is allowed and the value received. Placeholder prefixes
 * (see placeholders.ts) are removed from the values returned.
 */
export function parseStages(raw: unknown, source: string): Stages {
  return validateStages(raw, source).stages;
}

/** Reads and validates a stages file (by default stacks/stages.json). */
export function readStages(path: string): Stages {
  return loadStages(path).stages;
}

/**
 * Reads and validates a stages file, keeping track of placeholders. Syntax errors and keys
 * given twice are reported with their line and column.
 */
export function loadStages(path: string): LoadedStages {
  return validateStages(parseJsonText(readUtf8File(path), path), path);
}

function validateStages(raw: unknown, source: string): LoadedStages {
  const { value, placeholders } = stripPlaceholders(raw);
  const result = v.safeParse(stagesSchema, value);
  if (!result.success) {
    // An unknown key explains the "missing" one next to it (`amiID` for `amiId`): report it first.
    const issue = result.issues.find(isUnknownKey) ?? result.issues[0];
    throw new ConfigError(`${source}: ${describeIssue(issue, raw)}`);
  }
  return {
    stages: result.output,
    placeholders: Object.fromEntries(
      rolloutOrder(result.output).map((stage) => [stage, placeholderFields(placeholders, stage)]),
    ),
  };
}

// A strict object reports a key it does not know as expecting "never" there.
function isUnknownKey(issue: v.BaseIssue<unknown>): boolean {
  return issue.type === "strict_object" && issue.expected === "never";
}

/** The keys allowed in the object that holds the last key of `path` (below a stage's name). */
function knownKeys(path: readonly (string | number)[]): readonly string[] {
  if (path.length === 2) return Object.keys(stageEntries);
  const nested: Readonly<Record<string, object>> = { drain: drainEntries, alarm: alarmEntries };
  return Object.hasOwn(nested, path[1]) ? Object.keys(nested[path[1]]) : [];
}

// More than this many known keys make a line nobody reads; the README has the table.
const MAX_LISTED_KEYS = 8;

function describeIssue(issue: v.BaseIssue<unknown>, raw: unknown): string {
  const path = (issue.path ?? []).map((item) =>
    typeof item.key === "number" ? item.key : String(item.key),
  );
  if (path.length === 0) return `${issue.message}, got ${describeValue(raw)}`;
  const key = path[path.length - 1];
  const parent = valueAt(raw, path.slice(0, -1));
  const present =
    parent !== null && typeof parent === "object" && Object.hasOwn(parent, String(key));
  const where = renderPath(path);
  // The key of a record's entry: a stage's name the name schema refused.
  if (path.length === 1 && issue.path?.[0].origin === "key") return `${where}: ${issue.message}`;
  if (!present) return `${where}: field is missing`;
  if (isUnknownKey(issue)) {
    const known = knownKeys(path);
    const guess = closestName(String(key), known);
    if (guess !== undefined) return `${where}: unknown field; did you mean ${guess}?`;
    const list =
      known.length <= MAX_LISTED_KEYS
        ? `known: ${known.join(", ")}`
        : 'see "Configuration" in README.md';
    return `${where}: unknown field (${list})`;
  }
  if (issue.expected === KEY_ISSUE)
    return `${where}: ${issue.message}, got ${describeValue(issue.received)}`;
  return `${where}: ${issue.message}, got ${describeValue(valueAt(raw, path))}`;
}

function valueAt(raw: unknown, path: readonly (string | number)[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
