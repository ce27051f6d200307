import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../config/config-error";
import { PLACEHOLDER_PREFIX } from "../../config/placeholders";
import { loadStages, parseStages, readStages, rolloutOrder } from "../../config/stages";
import { baseStages } from "../../simulation/fixtures";
import { writeStagesFile } from "../support/stages-file";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

type Mutable = Record<string, Record<string, unknown>>;

/** The base stages with one edit applied, as raw JSON would arrive. */
function edited(edit: (stages: Mutable) => void): unknown {
  const stages = structuredClone(baseStages()) as unknown as Mutable;
  edit(stages);
  return stages;
}

describe("stage config", () => {
  it("accepts the base stages as they are", () => {
    expect(parseStages(baseStages(), "stages.json")).toEqual(baseStages());
  });

  it("accepts the optional settings", () => {
    const raw = edited((s) => {
      Object.assign(s.staging, {
        keyName: "ops",
        rootVolumeSizeGiB: 50,
        ecsAgentSettings: { ECS_LOGLEVEL: "warn" },
        containerInsights: true,
        drain: { drainTimeoutMinutes: 30, pollSeconds: 5 },
        alarm: { evaluationPeriods: 3 },
        tags: { CostCenter: "digital" },
      });
    });
    expect(parseStages(raw, "stages.json")).toEqual(raw);
  });

  it("accepts an ARN of the stage's own partition and region (GovCloud)", () => {
    const raw = edited((s) => {
      Object.assign(s.production, {
        region: "us-gov-west-1",
        alarm: { actionsTopicArn: "arn:aws-us-gov:sns:us-gov-west-1:123456789012:oncall" },
      });
    });
    expect(parseStages(raw, "stages.json")).toEqual(raw);
  });

  it.each(["t3.micro", "m6i.2xlarge", "c7g.medium", "u-6tb1.metal", "mac2.metal", "m5.metal"])(
    "accepts the instance type %s",
    (instanceType) => {
      const raw = edited((s) => (s.staging.instanceType = instanceType));
      expect(parseStages(raw, "stages.json").staging.instanceType).toBe(instanceType);
    },
  );

  it.each([
    ["m7i-flex.large", "m6i"],
    ["mac2-m2pro.metal", "mac2"],
    ["u7i-12tb.224xlarge", "u-12tb1"],
    ["r8g.medium", "r6g"],
  ])("refuses %s, which launch configurations cannot launch, and suggests %s", (type, instead) => {
    const raw = edited((s) => (s.staging.instanceType = type));
    expect(() => parseStages(raw, "stages.json")).toThrow(
      `use an older family such as ${instead}, or set "launch": "template" for the stage (a launch template launches every current type), got "${type}"`,
    );
  });

  it.each(["m7i.large", "c8g.2xlarge", "r8i-flex.xlarge", "m7g.medium"])(
    "accepts %s, which only a launch template can launch, in a stage that launches from one",
    (instanceType) => {
      const raw = edited((s) => Object.assign(s.production, { launch: "template", instanceType }));
      const { production } = parseStages(raw, "stages.json");
      expect(production).toMatchObject({ launch: "template", instanceType });
    },
  );

  it("refuses a post-2022 type in a stage that says launch: configuration outright", () => {
    const raw = edited((s) =>
      Object.assign(s.staging, { launch: "configuration", instanceType: "m8g.large" }),
    );
    expect(() => parseStages(raw, "stages.json")).toThrow(
      'stages.json: staging.instanceType: cannot be launched by a launch configuration (m8g is from 2024; launch configurations support no instance type released after 2022): use an older family such as m6g, or set "launch": "template" for the stage (a launch template launches every current type), got "m8g.large"',
    );
  });

  it("still checks the format of an instance type in a launch template stage", () => {
    const raw = edited((s) =>
      Object.assign(s.staging, { launch: "template", instanceType: "m8g.huge" }),
    );
    expect(() => parseStages(raw, "stages.json")).toThrow(
      'stages.json: staging.instanceType: must be an EC2 instance type like t3.large: <family>.<size>, the size one of nano, micro, small, medium, large, xlarge, <n>xlarge, metal, got "m8g.huge"',
    );
  });

  it("refuses a launch kind it does not know, naming both", () => {
    const raw = edited((s) => (s.production.launch = "templates"));
    expect(() => parseStages(raw, "stages.json")).toThrow(
      'stages.json: production.launch: must be "configuration" (a launch configuration, the default) or "template" (a launch template), got "templates"',
    );
  });

  test.each<[string, (stages: Mutable) => void, string]>([
    [
      "an AMI id that is not ami- and hex",
      (s) => (s.staging.amiId = "ami-XYZ"),
      'stages.json: staging.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "ami-XYZ"',
    ],
    [
      "an AMI id of 12 digits",
      (s) => (s.production.amiId = "ami-0123456789ab"),
      'stages.json: production.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "ami-0123456789ab"',
    ],
    [
      "an AMI id that is not a string",
      (s) => (s.staging.amiId = 12345678),
      "stages.json: staging.amiId: must be a string, got 12345678",
    ],
    [
      "a missing field",
      (s) => delete s.production.instanceType,
      "stages.json: production.instanceType: field is missing",
    ],
    [
      "an unknown field close to a known one",
      (s) => (s.staging.ami = "ami-12345678"),
      "stages.json: staging.ami: unknown field; did you mean amiId?",
    ],
    [
      "a field name typed in the wrong case, before the field it hides as missing",
      (s) => {
        s.staging.amiID = s.staging.amiId;
        delete s.staging.amiId;
      },
      "stages.json: staging.amiID: unknown field; did you mean amiId?",
    ],
    [
      "an unknown field like no known one",
      (s) => (s.staging.colour = "blue"),
      'stages.json: staging.colour: unknown field (see "Configuration" in README.md)',
    ],
    [
      "a misspelt drain setting",
      (s) => (s.production.drain = { pollSecs: 5 }),
      "stages.json: production.drain.pollSecs: unknown field; did you mean pollSeconds?",
    ],
    [
      "an unknown alarm setting like no known one",
      (s) => (s.production.alarm = { email: "oncall@boston.gov" }),
      "stages.json: production.alarm.email: unknown field (known: actionsTopicArn, evaluationPeriods)",
    ],
    [
      "a key with an invisible character in it",
      (s) => {
        s.staging["amiId\u200b"] = s.staging.amiId;
        delete s.staging.amiId;
      },
      'stages.json: staging["amiId\\u200b"]: unknown field; did you mean amiId?',
    ],
    [
      "a new stage written in part",
      (s) => (s.qa = { region: "us-east-1" }),
      "stages.json: qa.clusterName: field is missing",
    ],
    [
      "a stage name that cannot name a stack, without dumping the stage",
      (s) => (s.Prod = structuredClone(s.production)),
      "stages.json: Prod: is not a stage name: 1-32 lowercase letters, digits or hyphens, starting with a letter (it names the stage's stack, state key and imports file)",
    ],
    [
      "a new stage reusing another's cluster name",
      (s) => (s.dev = structuredClone(s.staging)),
      `stages.json: dev.clusterName: must not equal staging's or share its "<clusterName>-" prefix ("apps-staging"), or each stage's drain function could act on the other's ASGs, got "apps-staging"`,
    ],
    [
      "a third stage sharing the first one's prefix",
      (s) => (s.dev = { ...structuredClone(s.staging), clusterName: "apps-staging-dev" }),
      `stages.json: dev.clusterName: must not equal staging's or share its "<clusterName>-" prefix ("apps-staging"), or each stage's drain function could act on the other's ASGs, got "apps-staging-dev"`,
    ],
    [
      "an AMI id with capitals",
      (s) => (s.staging.amiId = "ami-0123456789ABCDEF0"),
      'stages.json: staging.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "ami-0123456789ABCDEF0"',
    ],
    [
      "a hop limit other than 1 or 2",
      (s) => (s.staging.instanceMetadataHopLimit = 3),
      "stages.json: staging.instanceMetadataHopLimit: must be 1 (containers cannot reach instance metadata) or 2 (containers in bridge network mode can, with IMDSv2), got 3",
    ],
    [
      "no security groups",
      (s) => (s.production.securityGroupIds = []),
      "stages.json: production.securityGroupIds: must list at least one security group, got []",
    ],
    [
      "an agent setting that overrides the cluster",
      (s) => (s.staging.ecsAgentSettings = { ECS_LOGLEVEL: "info", ECS_CLUSTER: "other" }),
      'stages.json: staging.ecsAgentSettings: keys must be ECS_* agent variables other than ECS_CLUSTER, got "ECS_CLUSTER"',
    ],
    [
      "an agent setting that is not an ECS variable",
      (s) => (s.staging.ecsAgentSettings = { PATH: "/tmp" }),
      'stages.json: staging.ecsAgentSettings: keys must be ECS_* agent variables other than ECS_CLUSTER, got "PATH"',
    ],
    [
      "an agent setting value that injects a line",
      (s) => (s.production.ecsAgentSettings = { ECS_LOGLEVEL: "info\nECS_CLUSTER=evil" }),
      'stages.json: production.ecsAgentSettings.ECS_LOGLEVEL: must be one line, got "info\\nECS_CLUSTER=evil"',
    ],
    [
      "a value with an invisible character in it",
      (s) => (s.staging.amiId = "\ufeffami-0123456789abcdef0"),
      'stages.json: staging.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "\\ufeffami-0123456789abcdef0"',
    ],
    [
      "a long value, cut to one readable line",
      (s) => (s.staging.keyName = ["ops", "x".repeat(500)] as unknown as string),
      `stages.json: staging.keyName: must be a string, got ["ops","${"x".repeat(72)}… (a list of 2 items)`,
    ],
    [
      "an instance type whose family launch configurations cannot launch",
      (s) => (s.production.instanceType = "m7i.large"),
      'stages.json: production.instanceType: cannot be launched by a launch configuration (m7i is from 2023; launch configurations support no instance type released after 2022): use an older family such as m6i, or set "launch": "template" for the stage (a launch template launches every current type), got "m7i.large"',
    ],
    [
      "a public address asked of a launch template, which leaves it to the subnet",
      (s) => {
        s.staging.launch = "template";
        s.staging.associatePublicIpAddress = false;
      },
      "stages.json: staging.associatePublicIpAddress: applies to a launch configuration only (a launch template leaves it to the subnet); remove it, got false",
    ],
    [
      "a Graviton4 instance type",
      (s) => (s.staging.instanceType = "c8g.2xlarge"),
      'stages.json: staging.instanceType: cannot be launched by a launch configuration (c8g is from 2024; launch configurations support no instance type released after 2022): use an older family such as c6g, or set "launch": "template" for the stage (a launch template launches every current type), got "c8g.2xlarge"',
    ],
    [
      "an instance size EC2 does not have",
      (s) => (s.staging.instanceType = "t3.gigantic"),
      'stages.json: staging.instanceType: must be an EC2 instance type like t3.large: <family>.<size>, the size one of nano, micro, small, medium, large, xlarge, <n>xlarge, metal, got "t3.gigantic"',
    ],
    [
      "an instance type without a generation",
      (s) => (s.staging.instanceType = "large.t3"),
      'stages.json: staging.instanceType: must be an EC2 instance type like t3.large: <family>.<size>, the size one of nano, micro, small, medium, large, xlarge, <n>xlarge, metal, got "large.t3"',
    ],
    [
      "a minimum size of zero (the low-instance alarm needs one)",
      (s) => Object.assign(s.staging, { minSize: 0, desiredCapacity: 0 }),
      "stages.json: staging.minSize: must be at least 1 (the low-instance alarm fires below minSize instances), got 0",
    ],
    [
      "an alarm topic in another region",
      (s) =>
        (s.production.alarm = { actionsTopicArn: "arn:aws:sns:us-west-2:123456789012:oncall" }),
      `stages.json: production.alarm.actionsTopicArn: must be in the stage's region (us-east-1), got "arn:aws:sns:us-west-2:123456789012:oncall"`,
    ],
    [
      "an alarm topic in another partition",
      (s) =>
        (s.production.alarm = {
          actionsTopicArn: "arn:aws-us-gov:sns:us-east-1:123456789012:oncall",
        }),
      `stages.json: production.alarm.actionsTopicArn: must be in the stage's partition (aws, from region us-east-1), got "arn:aws-us-gov:sns:us-east-1:123456789012:oncall"`,
    ],
    [
      "a desired capacity above the maximum",
      (s) => (s.staging.desiredCapacity = 3),
      "stages.json: staging.desiredCapacity: must be between minSize (1) and maxSize (2), got 3",
    ],
    [
      "a desired capacity below the minimum",
      (s) => (s.production.desiredCapacity = 1),
      "stages.json: production.desiredCapacity: must be between minSize (2) and maxSize (4), got 1",
    ],
    [
      "a maximum below the minimum",
      (s) => (s.production.maxSize = 1),
      "stages.json: production.maxSize: must be at least minSize (2), got 1",
    ],
    [
      "a fractional size",
      (s) => (s.staging.minSize = 0.5),
      "stages.json: staging.minSize: must be a whole number, got 0.5",
    ],
    [
      "a negative size",
      (s) => (s.staging.desiredCapacity = -1),
      "stages.json: staging.desiredCapacity: must be a whole number of at least 0, got -1",
    ],
    [
      "an empty subnet list",
      (s) => (s.staging.subnetIds = []),
      "stages.json: staging.subnetIds: must list at least one subnet, got []",
    ],
    [
      "a malformed subnet id",
      (s) => (s.production.subnetIds = ["subnet-0b2c3d4e5f6071829", "subnet-1"]),
      'stages.json: production.subnetIds[1]: must be "subnet-" followed by 8 or 17 lowercase hex digits (a subnet id), got "subnet-1"',
    ],
    [
      "production on one subnet",
      (s) => (s.production.subnetIds = ["subnet-0b2c3d4e5f6071829"]),
      'stages.json: production.subnetIds: must list at least minAvailabilityZones (2) distinct subnets, one per zone, got ["subnet-0b2c3d4e5f6071829"]',
    ],
    [
      "production on one instance",
      (s) => Object.assign(s.production, { minSize: 1, desiredCapacity: 1 }),
      "stages.json: production.minSize: must be at least minAvailabilityZones (2): an instance per zone, got 1",
    ],
    [
      "a stage asked to span more zones than its subnets",
      (s) =>
        Object.assign(s.staging, {
          minSize: 2,
          maxSize: 2,
          desiredCapacity: 2,
          minAvailabilityZones: 2,
        }),
      'stages.json: staging.subnetIds: must list at least minAvailabilityZones (2) distinct subnets, one per zone, got ["subnet-0a1b2c3d4e5f60718"]',
    ],
    [
      "a region that is not one",
      (s) => (s.staging.region = "boston"),
      `stages.json: staging.region: must be an AWS region like us-east-1 (the AWS SDK's partition data has none by that name), got "boston"`,
    ],
    [
      "a drain setting of zero",
      (s) => (s.staging.drain = { pollSeconds: 0 }),
      "stages.json: staging.drain.pollSeconds: must be a whole number of at least 1, got 0",
    ],
    // The drain contract's rules (lambda/instance-drain/contract.ts), named by the file's field.
    [
      "a function timeout too short for a drain's hand-off",
      (s) => (s.staging.drain = { lambdaTimeoutSeconds: 60 }),
      "stages.json: staging.drain.lambdaTimeoutSeconds: must be a whole number of at least 120, got 60",
    ],
    [
      "a heartbeat shorter than an invocation and its retries",
      (s) => (s.production.drain = { lambdaTimeoutSeconds: 300, heartbeatTimeoutSeconds: 400 }),
      "stages.json: production.drain.heartbeatTimeoutSeconds: must be at least lambdaTimeoutSeconds + 300 (600) so the hook outlives an invocation and its retries, got 400",
    ],
    [
      "an alarm topic that is not an SNS ARN",
      (s) => (s.production.alarm = { actionsTopicArn: "oncall" }),
      'stages.json: production.alarm.actionsTopicArn: must be an SNS topic ARN, got "oncall"',
    ],
    [
      "tags given as a list",
      (s) => (s.staging.tags = ["CostCenter=digital"] as unknown as Record<string, string>),
      'stages.json: staging.tags: must be an object of strings, got ["CostCenter=digital"]',
    ],
    [
      "agent settings given as a list",
      (s) =>
        (s.staging.ecsAgentSettings = ["ECS_LOGLEVEL=warn"] as unknown as Record<string, string>),
      'stages.json: staging.ecsAgentSettings: must be an object of strings, got ["ECS_LOGLEVEL=warn"]',
    ],
    [
      "drain settings given as a list",
      (s) => (s.production.drain = [] as unknown as Record<string, number>),
      "stages.json: production.drain: must be an object, got []",
    ],
    [
      "an empty document",
      (s) => Object.keys(s).forEach((k) => delete s[k]),
      "stages.json: must name at least one stage, got {}",
    ],
    [
      "production named with staging's prefix",
      (s) => (s.production.clusterName = "apps-staging-prod"),
      `stages.json: production.clusterName: must not equal staging's or share its "<clusterName>-" prefix ("apps-staging"), or each stage's drain function could act on the other's ASGs, got "apps-staging-prod"`,
    ],
    [
      "a cluster name with a character ECS does not allow",
      (s) => (s.staging.clusterName = "Apps.Staging"),
      `stages.json: staging.clusterName: must be 1-255 letters, digits, hyphens or underscores (an ECS cluster name), got "Apps.Staging"`,
    ],
    [
      "a cluster name too long for the drain function's name",
      (s) => (s.staging.clusterName = "AppsStaging".repeat(5)),
      `stages.json: staging.clusterName: must be at most 49 characters: the drain function name would be 70 characters, and Lambda function names allow 64, got "${"AppsStaging".repeat(5)}"`,
    ],
    [
      "both stages under one cluster name",
      (s) => (s.production.clusterName = "apps-staging"),
      `stages.json: production.clusterName: must not equal staging's or share its "<clusterName>-" prefix ("apps-staging"), or each stage's drain function could act on the other's ASGs, got "apps-staging"`,
    ],
  ])("rejects %s with one line naming the stage, field and value", (_case, edit, message) => {
    expect(() => parseStages(edited(edit), "stages.json")).toThrow(new ConfigError(message));
  });

  it("accepts any number of stages, in the order of the file", () => {
    const { staging, production } = baseStages();
    const stages = { dev: { ...staging, clusterName: "apps-dev" }, production, staging };
    const parsed = parseStages(stages, "stages.json");
    expect(rolloutOrder(parsed)).toEqual(["dev", "production", "staging"]);
    expect(parsed.dev.minAvailabilityZones).toBeUndefined();
    expect(rolloutOrder(parseStages({ staging }, "stages.json"))).toEqual(["staging"]);
  });

  it("rejects a stage that is a list", () => {
    const raw = edited((s) => (s.staging = [] as unknown as Record<string, unknown>));
    expect(() => parseStages(raw, "stages.json")).toThrow(
      "stages.json: staging: must be an object, got []",
    );
  });

  it("rejects a document that is a list of stages in one readable line", () => {
    const { staging, production } = baseStages();
    expect(() => parseStages([staging, production], "stages.json")).toThrow(
      new ConfigError(
        `stages.json: must be an object with one block per stage, in rollout order, got [{"region":"us-east-1","amiId":"${COMMITTED_AMI}","securityGroupIds":["sg-0… (a list of 2 items)`,
      ),
    );
  });

  it("rejects a document that is a list", () => {
    expect(() => parseStages([], "stages.json")).toThrow(
      "stages.json: must be an object with one block per stage, in rollout order, got []",
    );
  });

  describe("readStages", () => {
    const dir = mkdtempSync(join(tmpdir(), "stages-"));

    it("names a file it cannot read", () => {
      expect(() => readStages(join(dir, "missing.json"))).toThrow(
        `${join(dir, "missing.json")}: cannot read (ENOENT)`,
      );
    });

    const goodText = JSON.stringify(baseStages(), null, 2);
    /** 1-based line of the nth (0-based) occurrence of `needle` in `text`. */
    const lineOf = (text: string, needle: string, nth = 0) => {
      let at = -1;
      for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
      return text.slice(0, at).split("\n").length;
    };

    test.each<[string, string, (path: string, text: string) => string]>([
      [
        "a key given twice (JSON.parse would keep the last one silently)",
        goodText.replace('"amiId"', `"amiId": "${NEW_AMI}",\n    "amiId"`),
        (path, text) =>
          `${path}:${lineOf(text, '"amiId"', 1)}:5: staging.amiId: key given twice (first on line ${lineOf(text, '"amiId"')}); keep one`,
      ],
      [
        "a key given twice in a nested object",
        goodText.replace(
          '"actionsTopicArn"',
          '"evaluationPeriods": 3, "evaluationPeriods": 4, "actionsTopicArn"',
        ),
        (path, text) =>
          `${path}:${lineOf(text, '"evaluationPeriods"')}:31: production.alarm.evaluationPeriods: key given twice (first on line ${lineOf(text, '"evaluationPeriods"')}); keep one`,
      ],
      [
        "a missing comma, by line and column",
        goodText.replace('"region": "us-east-1",', '"region": "us-east-1"'),
        (path, text) =>
          `${path}:${lineOf(text, '"amiId"')}:5: not valid JSON: expected "," between entries`,
      ],
      [
        "a trailing comma",
        goodText.replace(/"\n {2}\},\n {2}"production"/, '",\n  },\n  "production"'),
        (path, text) =>
          `${path}:${lineOf(text, '"production"') - 1}:3: not valid JSON: trailing comma before "}"`,
      ],
      [
        "an unquoted key",
        "{ staging: ",
        (path) => `${path}:1:3: not valid JSON: unexpected character "s"`,
      ],
      [
        "a comment",
        `// staging first\n${goodText}`,
        (path) => `${path}:1:1: not valid JSON: comments are not allowed in JSON`,
      ],
      ["an empty file", "", (path) => `${path}:1:1: not valid JSON: expected a value`],
      [
        "a zero-width space between entries, escaped in the message",
        goodText.replace('"region"', '\u200b"region"'),
        (path, text) =>
          `${path}:${lineOf(text, '"region"')}:5: not valid JSON: unexpected character "\\u200b"`,
      ],
    ])("refuses %s with one line saying where", (_case, text, message) => {
      const path = join(dir, "broken.json");
      writeFileSync(path, text);
      expect(() => readStages(path)).toThrow(new ConfigError(message(path, text)));
    });

    it("reads a file that starts with a UTF-8 byte-order mark", () => {
      const path = join(dir, "bom.json");
      writeFileSync(path, `\ufeff${goodText}`);
      expect(readStages(path)).toEqual(baseStages());
    });

    it("reports a placeholder's field and synthesizes the value after the prefix", () => {
      const stages = baseStages();
      Object.assign(stages.staging, {
        subnetIds: [`${PLACEHOLDER_PREFIX}subnet-0a1b2c3d4e5f60718`],
        stateBucket: `placeholder:${stages.staging.stateBucket}`,
      });
      expect(loadStages(writeStagesFile(stages))).toEqual({
        stages: baseStages(),
        placeholders: { staging: ["stateBucket", "subnetIds[0]"], production: [] },
      });
    });

    it("validates a placeholder's example value like any other", () => {
      const stages = baseStages();
      stages.production.amiId = `${PLACEHOLDER_PREFIX}ami-1`;
      expect(() => parseStages(stages, "stages.json")).toThrow(
        `stages.json: production.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "${PLACEHOLDER_PREFIX}ami-1"`,
      );
    });

    it("reads and validates a good file", () => {
      expect(readStages(writeStagesFile(baseStages())).production.minSize).toBe(2);
    });
  });
});
