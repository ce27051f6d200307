import {
  ECS_INSTANCE_ACTIONS,
  isEcsInstanceManagedPolicy,
  missingEcsInstanceActions,
} from "../../../ops/preflight/ecs-instance-permissions";

const policy = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: unknown, extra: object = {}) => ({
  Effect: "Allow",
  Action: action,
  Resource: "*",
  ...extra,
});

describe("missingEcsInstanceActions", () => {
  it("finds nothing missing when ecs:* is allowed", () => {
    expect(missingEcsInstanceActions([policy(allow("ecs:*"))])).toEqual([]);
  });

  it("finds every action missing without a policy", () => {
    expect(missingEcsInstanceActions([])).toEqual([...ECS_INSTANCE_ACTIONS]);
  });

  it("matches IAM's wildcards * and ?, in any case", () => {
    const documents = [
      policy(allow(["ECS:register*", "ecs:Deregister*"])),
      policy(
        allow("ecs:Discover?ollEndpoint"),
        allow(["ecs:poll", "ecs:StartTelemetry*", "ecs:Submit*"]),
      ),
    ];
    expect(missingEcsInstanceActions(documents)).toEqual([]);
  });

  it("adds up the actions of several documents, one statement or a list of them", () => {
    const one = JSON.stringify({ Statement: allow(ECS_INSTANCE_ACTIONS.slice(0, 3)) });
    const other = policy(allow(ECS_INSTANCE_ACTIONS.slice(3)));
    expect(missingEcsInstanceActions([one, other])).toEqual([]);
    expect(missingEcsInstanceActions([one])).toEqual(ECS_INSTANCE_ACTIONS.slice(3));
  });

  it("does not count an Allow under a Condition, nor a NotAction", () => {
    const documents = [
      policy(
        allow("ecs:*", { Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } }),
        { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
      ),
    ];
    expect(missingEcsInstanceActions(documents)).toEqual([...ECS_INSTANCE_ACTIONS]);
  });

  it("lets a Deny take away what an Allow gives, with or without a Condition", () => {
    const documents = [
      policy(allow("ecs:*"), {
        Effect: "Deny",
        Action: "ecs:Poll",
        Resource: "*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      }),
    ];
    expect(missingEcsInstanceActions(documents)).toEqual(["ecs:Poll"]);
  });

  it("reads a document that is not JSON as allowing nothing", () => {
    expect(missingEcsInstanceActions(["{not json"])).toEqual([...ECS_INSTANCE_ACTIONS]);
  });
});

describe("isEcsInstanceManagedPolicy", () => {
  it.each([
    ["arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", true],
    ["arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role", true],
    ["arn:aws:iam::123456789012:policy/service-role/AmazonEC2ContainerServiceforEC2Role", false],
    ["arn:aws:iam::aws:policy/AmazonEC2ContainerServiceFullAccess", false],
  ])("%s: %s", (arn, expected) => {
    expect(isEcsInstanceManagedPolicy(arn)).toBe(expected);
  });
});
