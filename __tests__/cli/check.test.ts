import { readFileSync, writeFileSync } from "node:fs";
import { cli, copyOfStages } from "./support";
import {
  startScriptedAccount,
  type Account,
  type ScriptedAccount,
} from "../../simulation/aws/scripted-account";
import { COMMITTED_AMI, STAGES_FIXTURE } from "../../simulation/amis";

/**
 * `check` against a scripted account on loopback (the SDK clients as the CLI makes them,
 * reached through AWS_ENDPOINT_URL): a correct account passes, each mistake is one finding, and
 * nothing but Describe/List/Get/Head is ever called.
 */

let aws: ScriptedAccount;
const saved = process.env;
beforeAll(async () => {
  aws = await startScriptedAccount();
  const env = Object.fromEntries(
    Object.entries(saved).filter(([name]) => !name.startsWith("AWS_")),
  );
  process.env = {
    ...env,
    ...aws.env,
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
});
afterAll(async () => {
  process.env = saved;
  await aws.close();
});
beforeEach(() => aws.reset());

/** A copy of the CLI tests' stages file with one piece of text replaced; its path. */
function stagesWith(text: string, replacement: string): string {
  const path = copyOfStages();
  const before = readFileSync(path, "utf8");
  if (!before.includes(text)) throw new Error(`the stages fixture has no ${text}`);
  writeFileSync(path, before.replace(text, replacement));
  return path;
}

const READ_ONLY = /^[a-z0-9]+ (Describe|List|Get|Head)[A-Za-z]*$/;
const STAGING_OK = "staging (apps-staging, us-east-1): no findings; 8 of 8 checks ran\n";
const PRODUCTION_OK = "production (apps-production, us-east-1): no findings; 8 of 8 checks ran\n";
const ECS_ALLOW_ALL = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "ecs:*", Resource: "*" }],
};

describe("check", () => {
  it("passes a correct stage with exit 0, through read-only calls only", async () => {
    const result = await cli("check staging");
    expect(result).toEqual({ code: 0, stdout: STAGING_OK, stderr: "" });
    expect(aws.calls().filter((call) => !READ_ONLY.test(call))).toEqual([]);
    // Every family asked AWS something.
    expect(new Set(aws.calls().map((call) => call.split(" ")[0]))).toEqual(
      new Set(["ec2", "iam", "s3", "ecs"]),
    );
  });

  it("--all checks every stage, production's alarm topic too", async () => {
    const result = await cli("check --all");
    expect(result).toEqual({ code: 0, stdout: STAGING_OK + PRODUCTION_OK, stderr: "" });
    expect(aws.calls()).toContain("sns GetTopicAttributes");
  });

  test.each<[string, "staging" | "production", (account: Account) => void, string]>([
    [
      "an AMI that is not in the stage's region (an id from another region, or a region moved)",
      "staging",
      (account) => delete account.images[COMMITTED_AMI],
      `staging.amiId ${COMMITTED_AMI}: does not exist in us-east-1 (or this account cannot see it); AMI ids differ per region: npm run cluster -- ami set staging latest (looks it up in us-east-1)`,
    ],
    [
      "an AMI that is not available",
      "staging",
      (account) => (account.images[COMMITTED_AMI].state = "deregistered"),
      `staging.amiId ${COMMITTED_AMI}: in us-east-1 is deregistered, not available; npm run cluster -- ami set staging latest`,
    ],
    [
      "an AMI that is not Amazon's ECS-optimized image",
      "staging",
      (account) => (account.images[COMMITTED_AMI].ownerAlias = "self"),
      `staging.amiId ${COMMITTED_AMI}: (al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64, owner self) is not a standard ECS-optimized Amazon Linux image; npm run cluster -- ami set staging latest`,
    ],
    [
      "an AMI of another architecture than the instance type's",
      "staging",
      (account) => (account.images[COMMITTED_AMI].architecture = "arm64"),
      `staging.amiId ${COMMITTED_AMI}: is an arm64 image but staging.instanceType t3.large runs x86_64; npm run cluster -- ami set staging latest`,
    ],
    [
      "an instance type the region does not have",
      "staging",
      (account) => delete account.instanceTypes["t3.large"],
      "staging.instanceType t3.large: EC2 has no such instance type in us-east-1",
    ],
    [
      "an instance type not offered in a subnet's zone",
      "production",
      (account) => (account.instanceTypes["m6i.large"].zones = ["us-east-1a", "us-east-1c"]),
      "production.subnetIds[1] subnet-0c3d4e5f607182930: is in us-east-1b, where EC2 does not offer m6i.large: every launch there fails; use a subnet in us-east-1a, us-east-1c, or another instance type",
    ],
    [
      "a subnet that does not exist",
      "production",
      (account) => delete account.subnets["subnet-0c3d4e5f607182930"],
      "production.subnetIds[1] subnet-0c3d4e5f607182930: does not exist in us-east-1 (or this account cannot see it)",
    ],
    [
      "a public subnet, whose instances the launch configuration gives no public address",
      "staging",
      (account) => (account.subnets["subnet-0a1b2c3d4e5f60718"].mapsPublicIp = true),
      "staging.subnetIds[0] subnet-0a1b2c3d4e5f60718: assigns public IPv4 addresses on launch (a public subnet), but the instances get none (associatePublicIpAddress false): they reach ECS only through VPC endpoints; use private subnets with a NAT, or set associatePublicIpAddress true if the instances must be public",
    ],
    [
      "a security group that does not exist",
      "staging",
      (account) => delete account.securityGroups["sg-0a1b2c3d4e5f60719"],
      "staging.securityGroupIds[0] sg-0a1b2c3d4e5f60719: does not exist in us-east-1 (or this account cannot see it)",
    ],
    [
      "a security group of another VPC",
      "staging",
      (account) => (account.securityGroups["sg-0a1b2c3d4e5f60719"] = "vpc-0production00001"),
      "staging.securityGroupIds[0] sg-0a1b2c3d4e5f60719: is in vpc-0production00001, but subnetIds[0] is in vpc-0staging000000001: a stage's subnets and security groups must share one VPC",
    ],
    [
      "production's subnets in one Availability Zone",
      "production",
      (account) => (account.subnets["subnet-0c3d4e5f607182930"].zone = "us-east-1a"),
      "production.subnetIds subnet-0b2c3d4e5f6071829, subnet-0c3d4e5f607182930: all in one Availability Zone (us-east-1a): production must span two at least; add a subnet in another zone of the VPC",
    ],
    [
      "an instance profile that does not exist",
      "staging",
      (account) => delete account.instanceProfiles["apps-staging-ecs-instance"],
      "staging.instanceProfileName apps-staging-ecs-instance: no instance profile of this name exists in the account",
    ],
    [
      "an instance profile without a role",
      "staging",
      (account) => (account.instanceProfiles["apps-staging-ecs-instance"] = null),
      "staging.instanceProfileName apps-staging-ecs-instance: the profile holds no role; add a role and attach the AWS managed policy AmazonEC2ContainerServiceforEC2Role to it",
    ],
    [
      "a role without the ECS instance permissions",
      "staging",
      (account) => (account.attachedPolicies["apps-staging-ecs-instance-role"] = []),
      "staging.instanceProfileName apps-staging-ecs-instance: its role apps-staging-ecs-instance-role does not allow ecs:RegisterContainerInstance, ecs:DeregisterContainerInstance, ecs:DiscoverPollEndpoint, ecs:Poll, ecs:StartTelemetrySession, ecs:SubmitContainerStateChange, ecs:SubmitTaskStateChange: the ECS agent cannot join the cluster; attach the AWS managed policy AmazonEC2ContainerServiceforEC2Role to it",
    ],
    [
      "a role whose own policies leave out part of them",
      "staging",
      (account) => {
        const role = "apps-staging-ecs-instance-role";
        const policy = "arn:aws:iam::123456789012:policy/ecs-agent";
        account.attachedPolicies[role] = [policy];
        account.managedPolicies[policy] = {
          Statement: [
            { Effect: "Allow", Action: ["ecs:*ContainerInstance", "ecs:Submit*"], Resource: "*" },
          ],
        };
        account.inlinePolicies[role] = {
          deny: { Statement: { Effect: "Deny", Action: "ecs:Deregister*", Resource: "*" } },
        };
      },
      "staging.instanceProfileName apps-staging-ecs-instance: its role apps-staging-ecs-instance-role does not allow ecs:DeregisterContainerInstance, ecs:DiscoverPollEndpoint, ecs:Poll, ecs:StartTelemetrySession: the ECS agent cannot join the cluster; attach the AWS managed policy AmazonEC2ContainerServiceforEC2Role to it",
    ],
    [
      "a state bucket that does not exist",
      "staging",
      (account) => delete account.buckets["cob-digital-terraform-state"],
      "staging.stateBucket cob-digital-terraform-state: no bucket of this name exists: terraform init cannot read or write the state",
    ],
    [
      "a state bucket in another region than the stage's",
      "staging",
      (account) => (account.buckets["cob-digital-terraform-state"].region = "us-west-2"),
      "staging.stateBucket cob-digital-terraform-state: is in us-west-2, but the stage's backend names us-east-1: terraform init fails",
    ],
    [
      "a state bucket whose versioning is suspended",
      "staging",
      (account) => (account.buckets["cob-digital-terraform-state"].versioning = "Suspended"),
      "staging.stateBucket cob-digital-terraform-state: versioning is Suspended: a damaged state could not be restored; aws s3api put-bucket-versioning --bucket cob-digital-terraform-state --versioning-configuration Status=Enabled",
    ],
    [
      "a state bucket that never had versioning",
      "staging",
      (account) => delete account.buckets["cob-digital-terraform-state"].versioning,
      "staging.stateBucket cob-digital-terraform-state: versioning is off: a damaged state could not be restored; aws s3api put-bucket-versioning --bucket cob-digital-terraform-state --versioning-configuration Status=Enabled",
    ],
    [
      "an alarm topic that does not exist in the region",
      "production",
      (account) => (account.topics = {}),
      "production.alarm.actionsTopicArn arn:aws:sns:us-east-1:123456789012:digital-oncall: no such topic in us-east-1: the alarms would notify no one",
    ],
    [
      "an alarm topic encrypted with aws/sns",
      "production",
      (account) =>
        (account.topics["arn:aws:sns:us-east-1:123456789012:digital-oncall"].kmsKey =
          "alias/aws/sns"),
      "production.alarm.actionsTopicArn arn:aws:sns:us-east-1:123456789012:digital-oncall: is encrypted with the AWS managed key aws/sns, which CloudWatch cannot use: every alarm notification fails; use no encryption, or a customer managed key that allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt",
    ],
    [
      "an INACTIVE cluster of the stage's clusterName",
      "production",
      (account) => (account.clusters["apps-production"].status = "INACTIVE"),
      "production.clusterName apps-production: the cluster of this name in us-east-1 is INACTIVE: it was deleted, and its services with it; find out what deleted it before any apply",
    ],
    [
      "a clusterName that names the other stage's cluster",
      "staging",
      (account) => (account.clusters["apps-staging"].tags.Stage = "production"),
      "staging.clusterName apps-staging: names the production stage's cluster (its Stage tag): an apply would take it over; set staging.clusterName to the staging cluster's name",
    ],
  ])("finds %s", async (_case, stage, mistake, line) => {
    mistake(aws.account);
    const result = await cli(`check ${stage}`);
    const summary = `${stage} (apps-${stage}, us-east-1): 1 finding; 8 of 8 checks ran\n`;
    expect(result).toEqual({ code: 1, stdout: `${line}\n${summary}`, stderr: "" });
    expect(aws.calls().filter((call) => !READ_ONLY.test(call))).toEqual([]);
  });

  it("passes a role whose own policies allow the ECS agent's actions", async () => {
    const role = "apps-staging-ecs-instance-role";
    aws.account.attachedPolicies[role] = [];
    aws.account.inlinePolicies[role] = { agent: ECS_ALLOW_ALL };
    expect(await cli("check staging")).toEqual({ code: 0, stdout: STAGING_OK, stderr: "" });
    expect(aws.calls()).toContain("iam GetRolePolicy");
  });

  it.each([
    ["passes a key pair the region has", "apps-ops", 0, ""],
    [
      "finds a key pair the region does not have",
      "apps-laptop",
      1,
      "staging.keyName apps-laptop: no key pair of this name in us-east-1: every launch would fail; import the key into the region, or remove keyName\n",
    ],
  ])("%s", async (_case, keyName, code, finding) => {
    const stages = stagesWith(
      '"instanceType": "t3.large",',
      `"instanceType": "t3.large", "keyName": "${keyName}",`,
    );
    const summary = `staging (apps-staging, us-east-1): ${code ? "1 finding" : "no findings"}; 8 of 8 checks ran\n`;
    const result = await cli("check staging", { stagesFile: stages });
    expect(result).toEqual({ code, stdout: finding + summary, stderr: "" });
    expect(aws.calls()).toContain("ec2 DescribeKeyPairs");
  });

  it.each([
    [
      '"associatePublicIpAddress": true,',
      0,
      "", // the stage decided its instances are public
    ],
    [
      '"launch": "template",',
      1,
      "staging.subnetIds[0] subnet-0a1b2c3d4e5f60718: assigns public IPv4 addresses on launch, and a launch template leaves that to the subnet: every instance gets a public address; use private subnets (with a NAT or VPC endpoints)\n",
    ],
  ])("judges a public subnet by the stage's launch: %s", async (setting, code, finding) => {
    aws.account.subnets["subnet-0a1b2c3d4e5f60718"].mapsPublicIp = true;
    const stages = stagesWith(
      '"instanceType": "t3.large",',
      `"instanceType": "t3.large", ${setting}`,
    );
    const summary = `staging (apps-staging, us-east-1): ${code ? "1 finding" : "no findings"}; 8 of 8 checks ran\n`;
    expect(await cli("check staging", { stagesFile: stages })).toEqual({
      code,
      stdout: finding + summary,
      stderr: "",
    });
  });

  it("takes a missing cluster for a first deploy, not a finding", async () => {
    aws.account.clusters = {};
    expect(await cli("check staging")).toEqual({ code: 0, stdout: STAGING_OK, stderr: "" });
  });

  it("names the check AWS denied and runs the others, exit 2", async () => {
    aws.account.denied = ["GetInstanceProfile"];
    aws.account.buckets["cob-digital-terraform-state"].versioning = "Suspended";
    const result = await cli("check staging");
    expect(result.code).toBe(2);
    expect(result.stdout.split("\n")).toEqual([
      expect.stringMatching(
        /^staging\.stateBucket cob-digital-terraform-state: versioning is Suspended/,
      ),
      expect.stringMatching(
        /^staging: could not check the instance profile: AWS denied access \(AccessDenied: not authorized to perform GetInstanceProfile\)$/,
      ),
      "staging (apps-staging, us-east-1): 1 finding; 7 of 8 checks ran",
      "",
    ]);
  });

  // With the SDK's AWS_MAX_ATTEMPTS (operators can set it too): its default of 3 waits up to 3 s
  // of backoff for throttling (endpoint.test.ts shows the default).
  it("names the check AWS still throttled after the SDK's retries, exit 2", async () => {
    aws.account.throttled = ["DescribeClusters"];
    process.env.AWS_MAX_ATTEMPTS = "2";
    const result = await cli("check staging").finally(() => delete process.env.AWS_MAX_ATTEMPTS);
    expect(result).toEqual({
      code: 2,
      stdout:
        "staging: could not check the ECS cluster: AWS throttled the request (Throttling) and it still failed after 2 attempt(s); wait a minute and run it again\n" +
        "staging (apps-staging, us-east-1): no findings; 7 of 8 checks ran\n",
      stderr: "",
    });
    expect(aws.calls().filter((call) => call === "ecs DescribeClusters")).toHaveLength(2);
  });

  // An operation answered with a server error, or with its body cut off: each family that needs
  // it cannot use the answer and says so by name, and the others still report.
  const FAILED_WITH = {
    DescribeImages: ["the AMI"],
    DescribeInstanceTypes: ["the AMI", "the instance type"],
    DescribeSubnets: ["the instance type", "the subnets and security groups"],
    GetInstanceProfile: ["the instance profile"],
    GetBucketVersioning: ["the state bucket"],
    DescribeClusters: ["the ECS cluster"],
  };

  it.each(Object.entries(FAILED_WITH))(
    "names what could not be checked when AWS keeps failing on %s (HTTP 500), and reports the rest, exit 2",
    async (operation, families) => {
      aws.account.failing = [operation];
      aws.account.keyPairs = [];
      const stages = stagesWith(
        '"instanceType": "t3.large",',
        '"instanceType": "t3.large", "keyName": "apps-laptop",',
      );
      const result = await cli("check staging", { stagesFile: stages });
      const reason = (code: string) =>
        `AWS failed on its side (HTTP 500, ${code}: internal error) 3 times; try again later`;
      const server = ["GetInstanceProfile", "DescribeClusters"].includes(operation)
        ? "InternalFailure"
        : "InternalError";
      expect(result).toMatchObject({ code: 2, stderr: "" });
      expect(result.stdout.split("\n")).toEqual([
        expect.stringMatching(/^staging\.keyName apps-laptop: no key pair of this name/),
        ...families.map((family) => `staging: could not check ${family}: ${reason(server)}`),
        `staging (apps-staging, us-east-1): 1 finding; ${8 - families.length} of 8 checks ran`,
        "",
      ]);
      // The SDK's own retries, then the family gives up.
      expect(
        aws.calls().filter((call) => call.endsWith(` ${operation}`)).length,
      ).toBeGreaterThanOrEqual(3);
    },
  );

  it.each(Object.entries(FAILED_WITH))(
    "names what could not be checked when AWS's answer to %s is cut off mid-body, exit 2",
    async (operation, families) => {
      aws.account.cutOff = [operation];
      const result = await cli("check staging");
      expect(result).toMatchObject({ code: 2, stderr: "" });
      const lines = result.stdout.split("\n");
      expect(lines.filter((line) => line.includes("could not check"))).toEqual(
        families.map((family) =>
          expect.stringMatching(
            new RegExp(
              `^staging: could not check ${family}: AWS's answer could not be read \\(HTTP 200, .+\\)$`,
            ),
          ),
        ),
      );
      expect(lines).toContain(
        `staging (apps-staging, us-east-1): no findings; ${8 - families.length} of 8 checks ran`,
      );
    },
  );

  it("puts a check AWS denied in the markdown table too", async () => {
    aws.account.denied = ["GetTopicAttributes"];
    const result = await cli("check production --format markdown");
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      "\n| the alarm topic | | could not check: AWS denied access (AccessDenied: not authorized to perform GetTopicAttributes) | |\n",
    );
  });

  it("names S3's bare 403 on the state bucket as access denied", async () => {
    aws.account.denied = ["HeadBucket"];
    const result = await cli("check staging");
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      "staging: could not check the state bucket: AWS denied access (HTTP 403 without a reason)\n",
    );
  });

  it("stops in one line, exit 2, without credentials", async () => {
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = process.env;
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const result = await cli("check staging");
      expect(result).toMatchObject({ code: 2, stdout: "" });
      expect(result.stderr).toMatch(
        /^error: no AWS credentials found \(.*\); set AWS_PROFILE .*\n$/,
      );
    } finally {
      Object.assign(process.env, { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY });
    }
    expect(aws.calls()).toEqual([]);
  });

  it("refuses placeholders first, in one line, without any AWS call", async () => {
    const stages = stagesWith('"sg-0b2c3d4e5f607182a"', '"PLACEHOLDER:sg-0b2c3d4e5f607182a"');
    const result = await cli("check --all", { stagesFile: stages });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ${stages}: placeholders left in production (securityGroupIds[0]); replace each "PLACEHOLDER:..." value with the real one first (nothing was sent to AWS)\n`,
    });
    expect(aws.calls()).toEqual([]);
  });

  it("stops on an instance type launch configurations cannot launch, with the stages file's own line", async () => {
    const stages = stagesWith('"m6i.large"', '"m7i.large"');
    const result = await cli("check production", { stagesFile: stages });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(
      /^error: .*production\.instanceType: cannot be launched by a launch configuration \(m7i is from 2023;/,
    );
    expect(aws.calls()).toEqual([]);
  });

  test.each([
    ["check", "error: check: name a stage (staging, production) or pass --all\n"],
    [
      "check staging --all",
      "error: check: name a stage or pass --all, not both (got staging and --all)\n",
    ],
    [
      "check prod",
      `error: check: unknown stage "prod"; did you mean production? (the stages in ${STAGES_FIXTURE}: staging, production)\n`,
    ],
  ])("%s is a usage error, exit 2", async (args, stderr) => {
    expect(await cli(args)).toEqual({ code: 2, stdout: "", stderr });
    expect(aws.calls()).toEqual([]);
  });
});

describe("docs/cli.md's example of check", () => {
  it("is what check prints for production's subnets in one zone", async () => {
    const reference = readFileSync("docs/cli.md", "utf8");
    const section = reference.slice(reference.indexOf("prints one line per finding"));
    const [, shown] = /```text\n([\s\S]*?)```/.exec(section) ?? [];
    aws.account.subnets["subnet-0c3d4e5f607182930"].zone = "us-east-1a";
    expect(await cli("check production")).toEqual({ code: 1, stdout: shown, stderr: "" });
  });
});

describe("check --format", () => {
  beforeEach(() => {
    aws.account.subnets["subnet-0c3d4e5f607182930"].zone = "us-east-1a";
  });

  it("json has one entry per stage with its findings, each with its check, field, value, problem and fix", async () => {
    const result = await cli("check --all --format json");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toEqual({
      version: 1,
      stages: {
        staging: {
          region: "us-east-1",
          clusterName: "apps-staging",
          checked: expect.arrayContaining(["the AMI", "the state bucket"]),
          findings: [],
          unchecked: [],
        },
        production: {
          region: "us-east-1",
          clusterName: "apps-production",
          checked: expect.any(Array),
          findings: [
            {
              check: "the subnets and security groups",
              field: "subnetIds",
              value: "subnet-0b2c3d4e5f6071829, subnet-0c3d4e5f607182930",
              problem:
                "all in one Availability Zone (us-east-1a): production must span two at least",
              fix: "add a subnet in another zone of the VPC",
            },
          ],
          unchecked: [],
        },
      },
    });
    expect(report.stages.staging.checked).toHaveLength(8);
  });

  it("markdown has a heading per stage and a table of the findings, for a PR comment", async () => {
    const result = await cli("check --all --format markdown");
    expect(result.stdout).toBe(
      [
        "#### check staging (apps-staging, us-east-1): no findings; 8 of 8 checks ran",
        "",
        "#### check production (apps-production, us-east-1): 1 finding; 8 of 8 checks ran",
        "",
        "| field | value | problem | fix |",
        "| --- | --- | --- | --- |",
        "| `production.subnetIds` | `subnet-0b2c3d4e5f6071829, subnet-0c3d4e5f607182930` | all in one Availability Zone (us-east-1a): production must span two at least | add a subnet in another zone of the VPC |",
        "",
        "",
      ].join("\n"),
    );
  });
});
