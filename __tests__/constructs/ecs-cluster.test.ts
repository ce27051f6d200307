import "../support/cdktf-matchers";
import { EcsCluster as EcsClusterResource } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Testing } from "cdktf";
import { EcsCluster } from "../../constructs/ecs-cluster";
import { emptyStack } from "../../simulation/fixtures";

describe("EcsCluster", () => {
  const synth = (containerInsights?: boolean) =>
    Testing.synthScope(
      (scope) => new EcsCluster(scope, "Cluster", { clusterName: "apps-test", containerInsights }),
    );

  it("names the cluster and turns container insights off by default", () => {
    expect(synth()).toHaveResourceWithProperties(EcsClusterResource, {
      name: "apps-test",
      setting: [{ name: "containerInsights", value: "disabled" }],
    });
  });

  it("turns container insights on when asked", () => {
    expect(synth(true)).toHaveResourceWithProperties(EcsClusterResource, {
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  it("derives the instance name prefix from the cluster name", () => {
    const cluster = new EcsCluster(emptyStack(), "Cluster", { clusterName: "apps-test" });
    expect(cluster.clusterName).toBe("apps-test");
    expect(cluster.instanceNamePrefix).toBe("apps-test-");
  });

  test.each(["AppsStaging", "AppsProd", "apps_staging-2", "A", "x".repeat(49)])(
    "accepts the ECS cluster name %s",
    (clusterName) => {
      expect(new EcsCluster(emptyStack(), "Cluster", { clusterName }).clusterName).toBe(
        clusterName,
      );
    },
  );

  test.each([
    [
      "an empty name",
      "",
      "must be 1-255 letters, digits, hyphens or underscores (an ECS cluster name)",
    ],
    [
      "a space",
      "Apps Staging",
      "must be 1-255 letters, digits, hyphens or underscores (an ECS cluster name)",
    ],
    [
      "a dot",
      "apps.staging",
      "must be 1-255 letters, digits, hyphens or underscores (an ECS cluster name)",
    ],
    [
      "a name whose drain function name would pass Lambda's 64 characters",
      "x".repeat(50),
      "must be at most 49 characters: the drain function name would be 65 characters, and Lambda function names allow 64",
    ],
  ])("rejects %s", (_case, clusterName, rule) => {
    expect(() => new EcsCluster(emptyStack(), "Cluster", { clusterName })).toThrow(
      `EcsCluster clusterName ${rule}, got ${JSON.stringify(clusterName)}`,
    );
  });
});
