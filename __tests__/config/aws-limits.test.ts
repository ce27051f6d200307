import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../config/config-error";
import { readStageImports } from "../../config/imports";
import { NUMBER_LIMITS } from "../../config/aws-rules/number-limits";
import { numberFieldPaths, parseStages, readStages } from "../../config/stages";
import { baseStages } from "../../simulation/fixtures";
import { sdkRegions } from "../../scripts/derive-aws-regions";

/**
 * What AWS would refuse at apply time, refused at synth with the limit and where it comes from:
 * numbers past AWS's documented limits, regions the SDK does not know, tags AWS would not take,
 * a file that is not UTF-8, look-alike characters shown for what they are.
 */

type Mutable = Record<string, Record<string, unknown>>;

function edited(edit: (stages: Mutable) => void): unknown {
  const stages = structuredClone(baseStages()) as unknown as Mutable;
  edit(stages);
  return stages;
}

const refuse = (edit: (stages: Mutable) => void, message: string) =>
  expect(() => parseStages(edited(edit), "stages.json")).toThrow(new ConfigError(message));

const manyTags = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`Tag${i}`, "x"]));

describe("numbers past the limits AWS documents", () => {
  it("has a limit for every number field of a stage", () => {
    const limited = NUMBER_LIMITS.map(({ path }) => path.join("."));
    expect(numberFieldPaths().map((path) => path.join("."))).toEqual(limited);
  });

  test.each<[string, (s: Mutable) => void, string]>([
    [
      "maxSize 1e300",
      (s) => (s.staging.maxSize = 1e300),
      "stages.json: staging.maxSize: must be from 1 to 5000 (ECS: at most 5000 container instances per cluster, not adjustable), got 1e+300",
    ],
    [
      "minSize and desiredCapacity past the cluster's instances",
      (s) => Object.assign(s.production, { minSize: 6000, maxSize: 6000, desiredCapacity: 6000 }),
      "stages.json: production.minSize: must be from 1 to 5000 (ECS: at most 5000 container instances per cluster, not adjustable), got 6000",
    ],
    [
      "a 99999999 GiB root volume",
      (s) => (s.staging.rootVolumeSizeGiB = 99999999),
      "stages.json: staging.rootVolumeSizeGiB: must be from 30 to 16384 (EBS: a gp3 volume is at most 16384 GiB, and the root volume at least the ECS-optimized AMI's 30 GiB snapshot), got 99999999",
    ],
    [
      "a root volume smaller than the AMI's snapshot",
      (s) => (s.staging.rootVolumeSizeGiB = 8),
      "stages.json: staging.rootVolumeSizeGiB: must be from 30 to 16384 (EBS: a gp3 volume is at most 16384 GiB, and the root volume at least the ECS-optimized AMI's 30 GiB snapshot), got 8",
    ],
    [
      "a heartbeat under 30 seconds",
      (s) => (s.staging.drain = { heartbeatTimeoutSeconds: 10 }),
      "stages.json: staging.drain.heartbeatTimeoutSeconds: must be from 30 to 7200 (Auto Scaling: a lifecycle hook's heartbeat timeout is 30 to 7200 seconds), got 10",
    ],
    [
      "a heartbeat over 7200 seconds",
      (s) => (s.staging.drain = { heartbeatTimeoutSeconds: 7201 }),
      "stages.json: staging.drain.heartbeatTimeoutSeconds: must be from 30 to 7200 (Auto Scaling: a lifecycle hook's heartbeat timeout is 30 to 7200 seconds), got 7201",
    ],
    [
      "a registration timeout over 7200 seconds",
      (s) => (s.staging.drain = { registrationTimeoutSeconds: 9000 }),
      "stages.json: staging.drain.registrationTimeoutSeconds: must be from 30 to 7200 (Auto Scaling: a lifecycle hook's heartbeat timeout is 30 to 7200 seconds), got 9000",
    ],
    [
      "a drain longer than a hook can hold an instance",
      (s) => (s.production.drain = { drainTimeoutMinutes: 3000 }),
      "stages.json: production.drain.drainTimeoutMinutes: must be from 1 to 2880 (Auto Scaling: a lifecycle hook holds an instance at most 48 hours), got 3000",
    ],
    [
      "a Lambda timeout over 900 seconds",
      (s) => (s.staging.drain = { lambdaTimeoutSeconds: 901 }),
      "stages.json: staging.drain.lambdaTimeoutSeconds: must be from 1 to 900 (Lambda: a function's timeout is at most 900 seconds), got 901",
    ],
    [
      "a poll longer than an invocation",
      (s) => (s.staging.drain = { pollSeconds: 1000 }),
      "stages.json: staging.drain.pollSeconds: must be from 1 to 900 (a poll must fit in one Lambda invocation, at most 900 seconds), got 1000",
    ],
    [
      "Lambda memory past 10240 MB",
      (s) => (s.staging.drain = { memorySizeMb: 20000 }),
      "stages.json: staging.drain.memorySizeMb: must be from 128 to 10240 (Lambda: a function's memory is 128 to 10240 MB), got 20000",
    ],
    [
      "a log retention CloudWatch Logs does not offer",
      (s) => (s.staging.drain = { logRetentionDays: 10 }),
      "stages.json: staging.drain.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (CloudWatch Logs' retention periods), got 10",
    ],
    [
      "alarm periods beyond one day",
      (s) => (s.production.alarm = { evaluationPeriods: 1441 }),
      "stages.json: production.alarm.evaluationPeriods: must be from 1 to 1440 (CloudWatch: an alarm evaluates at most one day of its one-minute periods), got 1441",
    ],
  ])("refuses %s, saying the limit", (_case, edit, message) => refuse(edit, message));

  it.each<[string, (s: Mutable) => void]>([
    [
      "the largest values",
      (s) => {
        Object.assign(s.production, { minSize: 5000, maxSize: 5000, desiredCapacity: 5000 });
        Object.assign(s.staging, {
          rootVolumeSizeGiB: 16384,
          drain: {
            heartbeatTimeoutSeconds: 7200,
            lambdaTimeoutSeconds: 900,
            memorySizeMb: 10240,
            logRetentionDays: 3653,
          },
          alarm: { evaluationPeriods: 1440 },
        });
      },
    ],
    [
      "the smallest values",
      (s) => {
        Object.assign(s.staging, {
          rootVolumeSizeGiB: 30,
          // heartbeatTimeoutSeconds stays out: AWS allows 30, but the drain's contract needs the
          // function's timeout and its retries to fit (at least 420; config/stages.test.ts).
          drain: {
            memorySizeMb: 128,
            logRetentionDays: 1,
            pollSeconds: 1,
          },
        });
      },
    ],
  ])("accepts %s AWS allows", (_case, edit) => {
    expect(() => parseStages(edited(edit), "stages.json")).not.toThrow();
  });
});

describe("regions", () => {
  test.each([
    [
      "us-north-9",
      "must be an AWS region like us-east-1 (the AWS SDK's partition data has none by that name; us- regions: us-east-1, us-east-2, us-west-1, us-west-2, us-iso-east-1, us-iso-west-1, …)",
    ],
    ["us-east1", "must be an AWS region (did you mean us-east-1?)"],
    ["eu-westt-1", "must be an AWS region (did you mean eu-west-1?)"],
    ["US-EAST-1", "must be an AWS region (did you mean us-east-1?)"],
  ])("refuses %s with the nearest region the SDK knows", (region, message) => {
    refuse(
      (s) => (s.staging.region = region),
      `stages.json: staging.region: ${message}, got "${region}"`,
    );
  });

  it.each(["us-east-1", "eu-central-2", "cn-north-1", "ap-southeast-7"])(
    "accepts %s, a region the SDK knows",
    (region) => {
      // The alarm topic's ARN names a region and partition: it goes, only the region changes.
      const raw = edited((s) => Object.assign(s.production, { region, alarm: {} }));
      expect(parseStages(raw, "stages.json").production.region).toBe(region);
    },
  );

  it("uses the installed SDK's partition data (npm run derive:aws-regions after an SDK upgrade)", () => {
    const derived = JSON.parse(readFileSync("config/aws-rules/regions.json", "utf8"));
    expect(derived).toEqual(sdkRegions());
  });
});

describe("tags", () => {
  test.each<[string, Record<string, string>, string]>([
    [
      "46 tags, which with the project's 5 pass AWS's 50",
      manyTags(46),
      `stages.json: staging.tags: must have at most 45 tags of its own (AWS allows 50 on a resource, and the project adds Project, Stage, ManagedBy, Name, TerraformDeleteTimeout), got {"Tag0":"x","Tag1":"x","Tag2":"x","Tag3":"x","Tag4":"x","Tag5":"x","Tag6":"x","T… (an object with 46 keys)`,
    ],
    [
      "the key of the group's delete-timeout tag",
      { TerraformDeleteTimeout: "999m" },
      'stages.json: staging.tags: the project sets TerraformDeleteTimeout on the autoscaling group itself (the delete timeout Terraform waits with), got "TerraformDeleteTimeout"',
    ],
    [
      'a key starting with "aws:"',
      { "AWS:team": "digital" },
      'stages.json: staging.tags: a tag key must not start with "aws:" (AWS reserves it for its own tags), got "AWS:team"',
    ],
    [
      "a key of 129 characters",
      { ["k".repeat(129)]: "x" },
      `stages.json: staging.tags: a tag key must be 1 to 128 characters (AWS's limit), got "${"k".repeat(79)}… (131 characters)`,
    ],
    [
      "an empty key",
      { "": "x" },
      `stages.json: staging.tags: a tag key must be 1 to 128 characters (AWS's limit), got ""`,
    ],
    [
      "a key with a character AWS does not allow",
      { "cost#center": "x" },
      `stages.json: staging.tags: a tag key may hold only letters, digits, spaces and _ . : / = + - @ (AWS's rule), got "cost#center"`,
    ],
    [
      "a value of 257 characters",
      { Owner: "v".repeat(257) },
      `stages.json: staging.tags.Owner: a tag value must be at most 256 characters (AWS's limit), got "${"v".repeat(79)}… (259 characters)`,
    ],
    [
      "a value with a character AWS does not allow",
      { Owner: "digital;ops" },
      `stages.json: staging.tags.Owner: a tag value may hold only letters, digits, spaces and _ . : / = + - @ (AWS's rule), got "digital;ops"`,
    ],
  ])("refuses %s", (_case, tags, message) => refuse((s) => (s.staging.tags = tags), message));

  it("accepts 45 tags of any script with AWS's punctuation, and overriding a project tag", () => {
    const tags = {
      ...manyTags(44),
      Project: "apps",
      "Équipe/Owner": "Numérique @ Boston: +1 = 2_a.b-c",
    };
    expect(() =>
      parseStages(
        edited((s) => (s.staging.tags = tags)),
        "stages.json",
      ),
    ).not.toThrow();
  });
});

describe("text that is not what it looks like", () => {
  const dir = mkdtempSync(join(tmpdir(), "stages-encoding-"));
  const goodText = JSON.stringify(baseStages(), null, 2);

  it("says a UTF-16 file is not UTF-8 and what to do", () => {
    const path = join(dir, "utf16.json");
    writeFileSync(
      path,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(goodText, "utf16le")]),
    );
    expect(() => readStages(path)).toThrow(
      new ConfigError(
        `${path}: not UTF-8: it is saved as UTF-16; save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; or iconv -t UTF-8)`,
      ),
    );
  });

  it("says a UTF-16 file without a byte-order mark is not UTF-8", () => {
    const path = join(dir, "utf16-no-bom.json");
    writeFileSync(path, Buffer.from(goodText, "utf16le"));
    expect(() => readStages(path)).toThrow(/: not UTF-8: it is saved as UTF-16; /);
  });

  it("refuses a byte that is not UTF-8 inside a value, saying where", () => {
    const path = join(dir, "latin1.json");
    // "café" in Latin-1: 0xE9 alone is not UTF-8.
    const text = goodText.replace('"apps-staging"', '"apps-caf\u00e9"');
    writeFileSync(path, Buffer.from(text, "latin1"));
    const line = text.slice(0, text.indexOf("apps-caf")).split("\n").length;
    const column = text.split("\n")[line - 1].indexOf("apps-caf") + "apps-caf".length + 1;
    expect(() => readStages(path)).toThrow(
      new ConfigError(
        `${path}:${line}:${column}: not UTF-8: byte 0xE9 (perhaps the file, or what was pasted into it, is Latin-1 or Windows-1252); save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; or iconv -t UTF-8)`,
      ),
    );
  });

  it("says an imports file saved as UTF-16 is not UTF-8", () => {
    const path = join(dir, "staging-imports.json");
    writeFileSync(path, Buffer.from('{ "imports": [] }', "utf16le"));
    expect(() => readStageImports(path)).toThrow(
      new ConfigError(
        `${path}: not UTF-8: it is saved as UTF-16; save it as UTF-8 (in VS Code: "Save with Encoding", UTF-8; or iconv -t UTF-8)`,
      ),
    );
  });

  it("shows a look-alike character in an id escaped (a Cyrillic а in amiId)", () => {
    refuse(
      (s) => (s.staging.amiId = "ami-0123456789abcdef\u0430"),
      'stages.json: staging.amiId: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "ami-0123456789abcdef\\u0430"',
    );
  });

  it("shows any non-ASCII character of a key escaped", () => {
    refuse(
      (s) => (s.staging["\u0430miId"] = s.staging.amiId),
      'stages.json: staging["\\u0430miId"]: unknown field; did you mean amiId?',
    );
  });
});
