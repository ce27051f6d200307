import { completeRequired, merged, renamed } from "../../../simulation/terraform/combined-config";
import {
  actionName,
  plannedActions,
  withLocalBackend,
} from "../../../simulation/terraform/harness";
import { readVendoredSchema } from "../../../simulation/terraform/provider-schema/schema";

describe("withLocalBackend", () => {
  it("replaces the S3 backend with a local one and keeps the rest of the terraform block", () => {
    const document = {
      terraform: {
        backend: { s3: { bucket: "state", key: "k" } },
        required_providers: { aws: { source: "aws", version: "6.25.0" } },
      },
      resource: { aws_sns_topic: { t: { name: "t" } } },
    };
    expect(withLocalBackend(document)).toEqual({
      terraform: {
        backend: { local: { path: "terraform.tfstate" } },
        required_providers: { aws: { source: "aws", version: "6.25.0" } },
      },
      resource: { aws_sns_topic: { t: { name: "t" } } },
    });
    expect(document.terraform.backend).toEqual({ s3: { bucket: "state", key: "k" } });
  });
});

describe("plannedActions", () => {
  test.each([
    [["create", "delete"], "replace"],
    [["delete", "create"], "replace"],
    [["update"], "update"],
    [["create"], "create"],
  ])("names Terraform's actions %p %s", (actions, name) => {
    expect(actionName(actions)).toBe(name);
  });

  it("leaves out no-ops and data sources", () => {
    const change = (address: string, mode: "managed" | "data", actions: string[]) => ({
      address,
      mode,
      type: address.split(".")[0],
      change: { actions, before: null, after: null },
    });
    expect(
      plannedActions({
        resource_changes: [
          change("aws_sns_topic.a", "managed", ["no-op"]),
          change("aws_sns_topic.b", "managed", ["create", "delete"]),
          change("data.aws_region.current", "data", ["read"]),
        ],
      }),
    ).toEqual({ "aws_sns_topic.b": "replace" });
  });
});

describe("renamed", () => {
  it("renames blocks and every reference to them, not longer names, not plain text", () => {
    const document = {
      resource: {
        aws_sns_topic: { t: { name: "aws_sns_topic.t stays" } },
        aws_sns_topic_subscription: {
          s: {
            topic_arn: "${aws_sns_topic.t.arn}",
            endpoint: "${aws_sns_topic.t2.arn}",
            depends_on: ["aws_sns_topic.t"],
            protocol: "${data.aws_region.current.region}",
            filter_policy: '$${aws_sns_topic.t.arn} ${jsonencode({ a = "${aws_sns_topic.t.id}" })}',
          },
        },
      },
      data: { aws_region: { current: {} } },
    };
    expect(renamed(document, "s1_")).toEqual({
      resource: {
        aws_sns_topic: { s1_t: { name: "aws_sns_topic.t stays" } },
        aws_sns_topic_subscription: {
          s1_s: {
            topic_arn: "${aws_sns_topic.s1_t.arn}",
            endpoint: "${aws_sns_topic.t2.arn}",
            depends_on: ["aws_sns_topic.s1_t"],
            protocol: "${data.aws_region.s1_current.region}",
            filter_policy:
              '$${aws_sns_topic.t.arn} ${jsonencode({ a = "${aws_sns_topic.s1_t.id}" })}',
          },
        },
      },
      data: { aws_region: { s1_current: {} } },
    });
  });
});

describe("completeRequired", () => {
  const schema = readVendoredSchema();

  it("adds a required argument neither side sets, the same on both sides", () => {
    const before = { resource: { aws_launch_configuration: { lc: { image_id: "ami-1" } } } };
    const after = { resource: { aws_launch_configuration: { lc: { image_id: "ami-2" } } } };
    const [b, a] = completeRequired([before, after], schema);
    expect(b.resource?.aws_launch_configuration.lc).toEqual({
      image_id: "ami-1",
      instance_type: "stand-in",
    });
    expect(a.resource?.aws_launch_configuration.lc).toEqual({
      image_id: "ami-2",
      instance_type: "stand-in",
    });
  });

  it("leaves an argument one side sets alone", () => {
    const before = { resource: { aws_ecs_cluster: { c: {} } } };
    const after = { resource: { aws_ecs_cluster: { c: { name: "apps" } } } };
    const [b, a] = completeRequired([before, after], schema);
    expect(b.resource?.aws_ecs_cluster.c).toEqual({});
    expect(a.resource?.aws_ecs_cluster.c).toEqual({ name: "apps" });
  });
});

describe("merged", () => {
  it("puts every document's blocks in one configuration with the AWS provider pinned", () => {
    const document = merged(
      [
        { resource: { aws_sns_topic: { s0_t: { name: "a" } } } },
        {
          resource: { aws_sns_topic: { s1_t: { name: "b" } } },
          data: { aws_region: { s1_r: {} } },
        },
      ],
      "6.25.0",
    );
    expect(document).toEqual({
      terraform: { required_providers: { aws: { source: "aws", version: "6.25.0" } } },
      provider: { aws: [{ region: "us-east-1" }] },
      resource: { aws_sns_topic: { s0_t: { name: "a" }, s1_t: { name: "b" } } },
      data: { aws_region: { s1_r: {} } },
    });
  });
});
