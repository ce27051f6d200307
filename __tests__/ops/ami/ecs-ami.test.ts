import {
  daysBetween,
  ecsImageFamily,
  parseRecommendedValue,
  recommendedParameterName,
  unusableImageReason,
} from "../../../ops/ami/ecs-ami";
import { NEW_AMI } from "../../../simulation/amis";

describe("recommendedParameterName", () => {
  it.each([
    ["al2023", "x86_64", "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"],
    ["al2023", "arm64", "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended"],
    ["al2", "x86_64", "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended"],
    ["al2", "arm64", "/aws/service/ecs/optimized-ami/amazon-linux-2/arm64/recommended"],
  ] as const)("names %s %s as AWS publishes it", (family, arch, name) => {
    expect(recommendedParameterName(family, arch)).toBe(name);
  });
});

describe("parseRecommendedValue", () => {
  it("reads the four fields the CLI shows and ignores the rest", () => {
    const value = JSON.stringify({
      image_id: NEW_AMI,
      image_name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
      ecs_agent_version: "1.99.0",
      os: "Amazon Linux 2023",
      schema_version: 1,
    });
    expect(parseRecommendedValue(value)).toEqual({
      imageId: NEW_AMI,
      imageName: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
      ecsAgentVersion: "1.99.0",
      os: "Amazon Linux 2023",
    });
  });

  it.each([
    ["a bare id (the image_id sub-parameter)", NEW_AMI],
    ["JSON without image_id", JSON.stringify({ image_name: "x", ecs_agent_version: "1", os: "y" })],
    [
      "JSON with a number id",
      JSON.stringify({ image_id: 1, image_name: "x", ecs_agent_version: "1", os: "y" }),
    ],
  ])("returns undefined for %s", (_, value) => {
    expect(parseRecommendedValue(value)).toBeUndefined();
  });
});

describe("ecsImageFamily", () => {
  const image = (name: string) => ({
    imageId: NEW_AMI,
    name,
    ownerAlias: "amazon",
  });

  it.each([
    ["al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64", "al2023"],
    ["al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-arm64", "al2023"],
    ["amzn2-ami-ecs-hvm-2.0.20261120-x86_64-ebs", "al2"],
  ])("recognises %s as %s", (name, family) => {
    expect(ecsImageFamily(image(name))).toBe(family);
  });

  it.each([
    ["a GPU variant", image("al2023-ami-ecs-gpu-hvm-2023.0.20261120-kernel-6.1-x86_64")],
    ["plain Amazon Linux", image("al2023-ami-2023.6.20261118.0-kernel-6.1-x86_64")],
    [
      "a copy in another account",
      { ...image("al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64"), ownerAlias: undefined },
    ],
  ])("does not take %s", (_, facts) => {
    expect(ecsImageFamily(facts)).toBeUndefined();
  });
});

describe("daysBetween", () => {
  it("counts whole days and never goes negative", () => {
    expect(daysBetween("2026-10-03T01:02:03Z", "2026-11-21T03:04:05Z")).toBe(49);
    expect(daysBetween("2026-11-21T00:00:00Z", "2026-10-03T00:00:00Z")).toBe(0);
  });
});

describe("unusableImageReason", () => {
  const target = {
    region: "us-east-1",
    instanceTypeField: "staging.instanceType",
    instanceType: "t3.large",
    architectures: ["x86_64"],
  };
  const image = {
    imageId: NEW_AMI,
    name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
    ownerAlias: "amazon",
    architecture: "x86_64",
    state: "available",
  };

  it("accepts an available standard ECS image of the instance type's architecture", () => {
    expect(unusableImageReason(image.imageId, image, target)).toBeUndefined();
  });

  it("names the instance type field when the architecture does not fit", () => {
    expect(unusableImageReason(image.imageId, image, { ...target, architectures: ["arm64"] })).toBe(
      `${NEW_AMI} is an x86_64 image but staging.instanceType t3.large runs arm64`,
    );
  });
});
