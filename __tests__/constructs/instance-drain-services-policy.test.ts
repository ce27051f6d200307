import { clusterWithDrain, synthScope } from "../../simulation/fixtures";

/** Issue 16 §1: at the drain timeout the function asks ECS which services are daemons. */

describe("InstanceDrain function policy", () => {
  it("may describe the services of its own cluster only, to tell daemons from the rest", () => {
    const doc = synthScope((scope) => void clusterWithDrain(scope));
    const statements = (doc.data?.aws_iam_policy_document?.instance_drain?.statement ?? []) as {
      sid?: string;
    }[];
    expect(statements.find((s) => s.sid === "DescribeClusterServices")).toEqual({
      sid: "DescribeClusterServices",
      actions: ["ecs:DescribeServices"],
      resources: [
        expect.stringMatching(/^arn:\$\{.*\}:ecs:\$\{.*\}:\$\{.*\}:service\/apps-test\/\*$/),
      ],
    });
  });
});
