import { EcsCluster } from "../../constructs/ecs-cluster";
import { emptyStack, onlyResource, synthScope } from "../support/fixtures";

describe("EcsCluster", () => {
  const synth = (containerInsights?: boolean) =>
    onlyResource(
      synthScope(
        (scope) =>
          new EcsCluster(scope, "Cluster", { clusterName: "apps-test", containerInsights }),
      ),
      "aws_ecs_cluster",
    );

  it("names the cluster and turns container insights off by default", () => {
    expect(synth()).toMatchObject({
      name: "apps-test",
      setting: [{ name: "containerInsights", value: "disabled" }],
    });
  });

  it("turns container insights on when asked", () => {
    expect(synth(true).setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  it("derives the instance name prefix from the cluster name", () => {
    const cluster = new EcsCluster(emptyStack(), "Cluster", { clusterName: "apps-test" });
    expect(cluster.clusterName).toBe("apps-test");
    expect(cluster.instanceNamePrefix).toBe("apps-test-");
  });

  test.each([
    ["an empty name", ""],
    ["capitals", "Apps"],
    ["a trailing hyphen", "apps-"],
    ["a leading digit", "1apps"],
    ["more than 40 characters", "a".repeat(41)],
  ])("rejects %s", (_case, clusterName) => {
    expect(() => new EcsCluster(emptyStack(), "Cluster", { clusterName })).toThrow(
      `EcsCluster clusterName must be 2-40 lowercase letters, digits or hyphens, starting with a letter, got ${JSON.stringify(clusterName)}`,
    );
  });
});
