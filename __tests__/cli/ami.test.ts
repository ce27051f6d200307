import "aws-sdk-client-mock-jest";
import { readFileSync, writeFileSync } from "node:fs";
import {
  DescribeImagesCommand,
  DescribeInstanceTypesCommand,
  type Image,
} from "@aws-sdk/client-ec2";
import { GetParameterCommand, ParameterNotFound } from "@aws-sdk/client-ssm";
import { AL2023_PARAMETER, ec2, ecsImage, recommended, resetAmiMocks, ssm } from "./ami-mocks";
import { cli, copyOfStages, differingLines } from "./support";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

beforeEach(resetAmiMocks);

describe("ami latest", () => {
  it("prints the recommended AL2023 x86_64 AMI of the staging region", async () => {
    const result = await cli("ami latest");
    expect(result).toEqual({ code: 0, stdout: `${NEW_AMI}\n`, stderr: "" });
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: AL2023_PARAMETER });
    expect(await ssm.call(0).thisValue.config.region()).toBe("us-east-1");
  });

  it("prints id, image name, agent version and OS with --json", async () => {
    const result = await cli("ami latest --json");
    expect(JSON.parse(result.stdout)).toEqual({
      imageId: NEW_AMI,
      imageName: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
      ecsAgentVersion: "1.99.0",
      os: "Amazon Linux 2023",
    });
  });

  it.each([
    ["--arch arm64", "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended"],
    ["--family al2", "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended"],
    [
      "--family al2 --arch arm64",
      "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended",
    ],
  ])("reads the parameter of %s", async (flags, name) => {
    expect((await cli(`ami latest ${flags}`)).code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, { Name: name });
  });

  it("warns that Amazon Linux 2 is past its end of support", async () => {
    const result = await cli("ami latest --family al2");
    expect(result.stderr).toBe(
      "warning: Amazon Linux 2 ECS-optimized AMIs reached end of support on 2026-06-30; use --family al2023\n",
    );
  });

  it("asks the region given with --region", async () => {
    await cli("ami latest --region eu-west-1");
    expect(await ssm.call(0).thisValue.config.region()).toBe("eu-west-1");
  });

  it("reports a missing parameter in one line", async () => {
    ssm
      .on(GetParameterCommand)
      .rejects(new ParameterNotFound({ message: "", $metadata: { httpStatusCode: 400 } }));
    const result = await cli("ami latest");
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: SSM parameter ${AL2023_PARAMETER} not found in us-east-1\n`,
    });
  });

  it("rejects an unknown family before calling AWS", async () => {
    const result = await cli("ami latest --family al1");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: option '--family <family>' argument 'al1' is invalid. Allowed choices are al2023, al2.\n",
    );
    expect(ssm).not.toHaveReceivedAnyCommand();
  });
});

describe("ami show", () => {
  it("lists every stage's amiId without calling AWS", async () => {
    const result = await cli("ami show");
    expect(result.stdout.split("\n")).toEqual([
      "stage       region     amiId",
      `staging     us-east-1  ${COMMITTED_AMI}`,
      `production  us-east-1  ${COMMITTED_AMI}`,
      "",
    ]);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it("exits 1 with --check when a stage is behind, saying by how many days", async () => {
    const stages = copyOfStages();
    await cli(`ami set staging ${NEW_AMI}`, { stagesFile: stages });
    const result = await cli("ami show --check", { stagesFile: stages });
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "stage       amiId                  image                                                 created     status",
      `staging     ${NEW_AMI}  al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64  2026-11-21  current`,
      `production  ${COMMITTED_AMI}  al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64  2026-10-03  behind ${NEW_AMI} by 49 days`,
      "",
    ]);
  });

  it("exits 0 with --check when every stage runs the recommended AMI", async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: recommended(COMMITTED_AMI) } });
    const result = await cli("ami show --check");
    expect(result.code).toBe(0);
    expect(result.stdout.match(/current/g)).toHaveLength(2);
  });

  it("exits 1 with --check when a stage's AMI no longer exists", async () => {
    ec2.on(DescribeImagesCommand, { ImageIds: [COMMITTED_AMI] }).resolves({ Images: [] });
    const result = await cli("ami show --check");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `staging     ${COMMITTED_AMI}  -      -        not found in us-east-1`,
    );
  });
});

describe("ami set", () => {
  it("changes only that stage's amiId line and prints the next steps", async () => {
    const stages = copyOfStages();
    const before = readFileSync(stages, "utf8");
    const result = await cli(`ami set staging ${NEW_AMI}`, { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `staging.amiId: ${COMMITTED_AMI} -> ${NEW_AMI} (al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64)`,
    );
    expect(result.stdout).toContain("rollout watch staging");
    const after = readFileSync(stages, "utf8");
    const stagingAmiLine = before.split("\n").indexOf(`    "amiId": "${COMMITTED_AMI}",`);
    expect(differingLines(before, after)).toEqual([stagingAmiLine]);
    expect(after.split("\n")[stagingAmiLine]).toBe(`    "amiId": "${NEW_AMI}",`);
  });

  it("resolves latest in the stage's region for its instance type's architecture", async () => {
    const stages = copyOfStages();
    ec2.on(DescribeInstanceTypesCommand).resolves({
      InstanceTypes: [{ ProcessorInfo: { SupportedArchitectures: ["arm64"] } }],
    });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: recommended(NEW_AMI, "arm64") } });
    ec2.on(DescribeImagesCommand, { ImageIds: [NEW_AMI] }).resolves({
      Images: [ecsImage(NEW_AMI, { Architecture: "arm64" })],
    });
    const result = await cli("ami set staging latest", { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended",
    });
    expect(JSON.parse(readFileSync(stages, "utf8")).staging.amiId).toBe(NEW_AMI);
  });

  it.each(["latest", NEW_AMI])(
    "refuses %s in one line when the stage's region has no such instance type",
    async (ami) => {
      const stages = copyOfStages();
      const before = readFileSync(stages);
      const unknownType = Object.assign(
        new Error("The following supplied instance types do not exist: [t3.large]"),
        {
          name: "InvalidInstanceType",
        },
      );
      ec2.on(DescribeInstanceTypesCommand).rejects(unknownType);
      const result = await cli(`ami set staging ${ami}`, { stagesFile: stages });
      expect(result).toEqual({
        code: 2,
        stdout: "",
        stderr: `error: staging.instanceType: EC2 has no instance type t3.large in us-east-1\n`,
      });
      expect(readFileSync(stages).equals(before)).toBe(true);
    },
  );

  it.each([
    [
      "ami-0a1b2c3d4e5f6789",
      'error: ami-id: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "ami-0a1b2c3d4e5f6789"',
    ],
    [
      "AMI-0A1B2C3D",
      'error: ami-id: must be "ami-" followed by 8 or 17 lowercase hex digits (an AMI id), got "AMI-0A1B2C3D"',
    ],
  ])("rejects the malformed id %s before calling AWS and leaves the file", async (id, message) => {
    const stages = copyOfStages();
    const before = readFileSync(stages);
    const result = await cli(`ami set staging ${id}`, { stagesFile: stages });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `${message}\n` });
    expect(readFileSync(stages).equals(before)).toBe(true);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it.each<[string, Image[] | undefined, string]>([
    [
      "does not exist",
      [],
      `error: ${NEW_AMI} does not exist in us-east-1 (or this account cannot see it)`,
    ],
    [
      "is not an Amazon ECS image",
      [ecsImage(NEW_AMI, { ImageOwnerAlias: undefined, Name: "al2023-ami-ecs-hvm-copy" })],
      `error: ${NEW_AMI} (al2023-ami-ecs-hvm-copy, owner not amazon) is not a standard ECS-optimized Amazon Linux image`,
    ],
    [
      "is a plain Amazon Linux image",
      [ecsImage(NEW_AMI, { Name: "al2023-ami-2023.6.20261118.0-kernel-6.1-x86_64" })],
      `error: ${NEW_AMI} (al2023-ami-2023.6.20261118.0-kernel-6.1-x86_64, owner amazon) is not a standard ECS-optimized Amazon Linux image`,
    ],
    [
      "is for another architecture",
      [ecsImage(NEW_AMI, { Architecture: "arm64" })],
      `error: ${NEW_AMI} is an arm64 image but staging.instanceType t3.large runs x86_64`,
    ],
    [
      "is deregistered",
      [ecsImage(NEW_AMI, { State: "deregistered" })],
      `error: ${NEW_AMI} in us-east-1 is deregistered, not available`,
    ],
  ])("refuses an image that %s and leaves the file", async (_, images, message) => {
    const stages = copyOfStages();
    const before = readFileSync(stages);
    ec2.on(DescribeImagesCommand, { ImageIds: [NEW_AMI] }).resolves({ Images: images });
    const result = await cli(`ami set staging ${NEW_AMI}`, { stagesFile: stages });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `${message}\n` });
    expect(readFileSync(stages).equals(before)).toBe(true);
  });

  it("skips every AWS look-up with --offline", async () => {
    const stages = copyOfStages();
    const result = await cli(`ami set staging ${NEW_AMI} --offline`, { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`-> ${NEW_AMI} (not checked: --offline)`);
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it("names the launch template rollout in the advice for a stage that launches from a template", async () => {
    const stages = copyOfStages();
    const raw = JSON.parse(readFileSync(stages, "utf8")) as Record<string, Record<string, unknown>>;
    raw.staging.launch = "template";
    writeFileSync(stages, JSON.stringify(raw, null, 2));
    const result = await cli(`ami set staging ${NEW_AMI} --offline`, { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        "the plan of staging must show only",
        "     aws_launch_template.instances updated in place, terraform_data.launch_generation replaced,",
        "     aws_autoscaling_group.instances replaced, aws_cloudwatch_metric_alarm.low_instance_alarm updated in place",
        "",
      ].join("\n"),
    );
  });

  it("refuses latest with --offline", async () => {
    const result = await cli("ami set staging latest --offline", { stagesFile: copyOfStages() });
    expect(result.stderr).toBe(
      'error: ami set: "latest" is looked up in AWS, so it cannot be used with --offline\n',
    );
  });

  it("rejects an unknown stage, naming the known ones", async () => {
    const stagesFile = copyOfStages();
    const result = await cli(`ami set prod ${NEW_AMI}`, { stagesFile });
    expect(result).toMatchObject({
      code: 2,
      stderr: `error: unknown stage "prod"; did you mean production? (the stages in ${stagesFile}: staging, production)\n`,
    });
  });

  it("reports a stages file that cannot be parsed and leaves it untouched", async () => {
    const stages = copyOfStages();
    const broken = readFileSync(stages, "utf8").replace('"region"', "region");
    writeFileSync(stages, broken);
    const result = await cli(`ami set staging ${NEW_AMI}`, { stagesFile: stages });
    expect(result.code).toBe(2);
    // The file, then the line and column of the mistake.
    expect(result.stderr).toMatch(
      new RegExp(`^error: ${stages}:\\d+:\\d+: not valid JSON: .*\\n$`),
    );
    expect(readFileSync(stages, "utf8")).toBe(broken);
  });
});

describe("ami promote", () => {
  it("copies staging's amiId to production after checking it in production's region", async () => {
    const stages = copyOfStages();
    await cli(`ami set staging ${NEW_AMI} --offline`, { stagesFile: stages });
    const before = readFileSync(stages, "utf8");
    const result = await cli("ami promote", { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`production.amiId: ${COMMITTED_AMI} -> ${NEW_AMI}`);
    const after = readFileSync(stages, "utf8");
    const productionAmiLine = before.split("\n").lastIndexOf(`    "amiId": "${COMMITTED_AMI}",`);
    expect(differingLines(before, after)).toEqual([productionAmiLine]);
    expect(ec2).toHaveReceivedCommandWith(DescribeImagesCommand, { ImageIds: [NEW_AMI] });
  });

  it("refuses when both stages already run the same AMI", async () => {
    const result = await cli("ami promote", { stagesFile: copyOfStages() });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ami promote: production.amiId is already ${COMMITTED_AMI}, the same as staging.amiId; nothing to promote\n`,
    });
  });

  it("refuses to promote a stage onto itself", async () => {
    const result = await cli("ami promote --from staging --to staging");
    expect(result.stderr).toBe("error: ami promote: --from and --to are both staging\n");
  });
});
