import { readFileSync } from "node:fs";
import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
import { ec2, ecsImage, resetAmiMocks } from "./ami-mocks";
import { cli, copyOfStages } from "./support";
import { COMMITTED_AMI, NEW_AMI, OLDER_AMI } from "../../simulation/amis";

/**
 * The order the runbook asks for, defended by the commands: an AMI goes to staging first and is
 * promoted from there, and a stage never moves to an older image by accident.
 */

beforeEach(resetAmiMocks);

// Created before COMMITTED_AMI (2026-10-03), which both stages of the fixture run.
const OLDER_IMAGE = ecsImage(OLDER_AMI, {
  Name: "al2023-ami-ecs-hvm-2023.0.20260801-kernel-6.1-x86_64",
  CreationDate: "2026-08-02T00:00:00.000Z",
});
const olderImageKnown = () =>
  ec2.on(DescribeImagesCommand, { ImageIds: [OLDER_AMI] }).resolves({ Images: [OLDER_IMAGE] });

/** A copy of the fixture with each stage's amiId set. */
function stagesRunning(amis: { staging: string; production: string }): string {
  return copyOfStages((stages) => {
    stages.staging.amiId = amis.staging;
    stages.production.amiId = amis.production;
  });
}

describe("ami set on production", () => {
  it("warns that it skips staging and points to ami promote, then sets it", async () => {
    const stages = copyOfStages();
    const result = await cli(`ami set production ${NEW_AMI}`, { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "warning: ami set production skips the rollout order: set staging first (ami set staging <ami-id>), check it there, then copy it with: npm run cluster -- ami promote\n",
    );
    expect(JSON.parse(readFileSync(stages, "utf8")).production.amiId).toBe(NEW_AMI);
  });

  it("does not warn for staging", async () => {
    const result = await cli(`ami set staging ${NEW_AMI}`, { stagesFile: copyOfStages() });
    expect(result).toMatchObject({ code: 0, stderr: "" });
  });
});

describe("an image older than the stage's current one", () => {
  it("is refused by ami set, naming both images and their dates, and nothing is written", async () => {
    olderImageKnown();
    const stages = copyOfStages();
    const before = readFileSync(stages);
    const result = await cli(`ami set staging ${OLDER_AMI}`, { stagesFile: stages });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ami set: ${OLDER_AMI} (al2023-ami-ecs-hvm-2023.0.20260801-kernel-6.1-x86_64, created 2026-08-02) is older than staging's current ${COMMITTED_AMI} (al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64, created 2026-10-03); pass --allow-older to roll back on purpose\n`,
    });
    expect(readFileSync(stages).equals(before)).toBe(true);
  });

  it("is set by ami set --allow-older", async () => {
    olderImageKnown();
    const stages = copyOfStages();
    const result = await cli(`ami set staging ${OLDER_AMI} --allow-older`, { stagesFile: stages });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(readFileSync(stages, "utf8")).staging.amiId).toBe(OLDER_AMI);
  });

  it("is refused by ami promote when staging runs an older image than production", async () => {
    olderImageKnown();
    const stages = stagesRunning({ staging: OLDER_AMI, production: COMMITTED_AMI });
    const before = readFileSync(stages);
    const result = await cli("ami promote", { stagesFile: stages });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: `error: ami promote: staging's ${OLDER_AMI} (al2023-ami-ecs-hvm-2023.0.20260801-kernel-6.1-x86_64, created 2026-08-02) is older than production's current ${COMMITTED_AMI} (al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64, created 2026-10-03); pass --allow-older to roll production back on purpose\n`,
    });
    expect(readFileSync(stages).equals(before)).toBe(true);
  });

  it("is promoted with ami promote --allow-older", async () => {
    olderImageKnown();
    const stages = stagesRunning({ staging: OLDER_AMI, production: COMMITTED_AMI });
    const result = await cli("ami promote --allow-older", { stagesFile: stages });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(stages, "utf8")).production.amiId).toBe(OLDER_AMI);
  });

  it("is not judged when the current image no longer exists (nothing to compare with)", async () => {
    ec2.on(DescribeImagesCommand, { ImageIds: [COMMITTED_AMI] }).resolves({ Images: [] });
    const stages = copyOfStages();
    const result = await cli(`ami set staging ${NEW_AMI}`, { stagesFile: stages });
    expect(result.code).toBe(0);
  });
});
