import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStages, readStages } from "../../stacks/stages";
import { baseStages } from "../support/fixtures";

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
      "an unknown field",
      (s) => (s.staging.ami = "ami-12345678"),
      'stages.json: staging.ami: unknown field, got "ami-12345678"',
    ],
    [
      "an unknown stage",
      (s) => (s.prod = {}),
      "stages.json: prod: unknown stage (known: staging, production), got {}",
    ],
    ["a missing stage", (s) => delete s.staging, "stages.json: staging: stage is missing"],
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
      (s) => (s.staging.minSize = -1),
      "stages.json: staging.minSize: must be a whole number of at least 0, got -1",
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
      'stages.json: production.subnetIds: must list at least two distinct subnets (production spans two AZs), got ["subnet-0b2c3d4e5f6071829"]',
    ],
    [
      "production on one instance",
      (s) => Object.assign(s.production, { minSize: 1, desiredCapacity: 1 }),
      "stages.json: production.minSize: must be at least 2 (production runs on two or more instances), got 1",
    ],
    [
      "a region that is not one",
      (s) => (s.staging.region = "boston"),
      'stages.json: staging.region: must be an AWS region like us-east-1, got "boston"',
    ],
    [
      "a drain setting of zero",
      (s) => (s.staging.drain = { pollSeconds: 0 }),
      "stages.json: staging.drain.pollSeconds: must be a whole number of at least 1, got 0",
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
      "stages.json: staging: stage is missing",
    ],
    [
      "production named with staging's prefix",
      (s) => (s.production.clusterName = "apps-staging-prod"),
      `stages.json: production.clusterName: must not equal staging's or share its "<clusterName>-" prefix ("apps-staging"), or each stage's drain function could act on the other's ASGs, got "apps-staging-prod"`,
    ],
    [
      "both stages under one cluster name",
      (s) => (s.production.clusterName = "apps-staging"),
      `stages.json: production.clusterName: must not equal staging's or share its "<clusterName>-" prefix ("apps-staging"), or each stage's drain function could act on the other's ASGs, got "apps-staging"`,
    ],
  ])("rejects %s with one line naming the stage, field and value", (_case, edit, message) => {
    expect(() => parseStages(edited(edit), "stages.json")).toThrow(message);
  });

  it("rejects a stage that is a list", () => {
    const raw = edited((s) => (s.staging = [] as unknown as Record<string, unknown>));
    expect(() => parseStages(raw, "stages.json")).toThrow(
      "stages.json: staging: must be an object, got []",
    );
  });

  it("rejects a document that is a list", () => {
    expect(() => parseStages([], "stages.json")).toThrow(
      "stages.json: must be an object keyed by stage name (staging, production), got []",
    );
  });

  describe("readStages", () => {
    const dir = mkdtempSync(join(tmpdir(), "stages-"));

    it("names a file it cannot read", () => {
      expect(() => readStages(join(dir, "missing.json"))).toThrow(
        `${join(dir, "missing.json")}: cannot read (ENOENT)`,
      );
    });

    it("names a file that is not JSON", () => {
      const path = join(dir, "broken.json");
      writeFileSync(path, "{ staging: ");
      expect(() => readStages(path)).toThrow(`${path}: not valid JSON`);
    });

    it("reads and validates a good file", () => {
      const path = join(dir, "good.json");
      writeFileSync(path, JSON.stringify(baseStages()));
      expect(readStages(path).production.minSize).toBe(2);
    });
  });
});
