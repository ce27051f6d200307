import { ClusterInstances, type ClusterInstancesProps } from "../../constructs/cluster-instances";
import { clusterWithDrain, onlyResource, synthScope } from "../../simulation/fixtures";
import { COMMITTED_AMI } from "../../simulation/amis";

/** Issue 16 §5: the stage may let containers reach instance metadata (IMDSv2, two hops). */

const lcWith = (props: Partial<ClusterInstancesProps>) =>
  onlyResource(
    synthScope((scope) => {
      const { cluster, drain } = clusterWithDrain(scope);
      new ClusterInstances(scope, "Instances", {
        cluster,
        drain,
        amiId: COMMITTED_AMI,
        instanceType: "t3.large",
        instanceProfileName: "apps-test-ecs-instance",
        securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
        subnetIds: ["subnet-0a1b2c3d4e5f60718"],
        minSize: 1,
        maxSize: 2,
        desiredCapacity: 1,
        ...props,
      });
    }),
    "aws_launch_configuration",
  );

describe("ClusterInstances instance metadata", () => {
  it("keeps containers off instance metadata by default (hop limit 1, IMDSv2 only)", () => {
    expect(lcWith({}).metadata_options).toMatchObject({
      http_tokens: "required",
      http_put_response_hop_limit: 1,
    });
  });

  it("lets bridge-mode containers through with instanceMetadataHopLimit 2, still IMDSv2 only", () => {
    expect(lcWith({ instanceMetadataHopLimit: 2 }).metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 2,
    });
  });
});
