import { changeSet, SynthesizedDocument } from "../../change-set/change-set";

/** A launch configuration, an ASG named after it, an alarm on the ASG and a data source. */
const doc: SynthesizedDocument = {
  resource: {
    aws_launch_configuration: { lc: { image_id: "ami-12345678" } },
    aws_autoscaling_group: {
      asg: { name_prefix: "${aws_launch_configuration.lc.name}-", max_size: 2 },
    },
    aws_cloudwatch_metric_alarm: {
      alarm: { dimensions: { AutoScalingGroupName: "${aws_autoscaling_group.asg.name}" } },
    },
    terraform_data: {
      follower: { lifecycle: { replace_triggered_by: ["aws_autoscaling_group.asg"] } },
    },
  },
  data: { aws_region: { current: {} } },
};

describe("changeSet with tainted resources", () => {
  it("replaces a tainted resource whose configuration is unchanged, and says why", () => {
    const changes = changeSet(doc, doc, { tainted: ["aws_autoscaling_group.asg"] });
    expect(changes.find((c) => c.address === "aws_autoscaling_group.asg")).toEqual({
      address: "aws_autoscaling_group.asg",
      action: "replace",
      reasons: ["tainted"],
    });
  });

  it("propagates the replacement to references and replace_triggered_by, and nowhere else", () => {
    const changes = changeSet(doc, doc, { tainted: ["aws_autoscaling_group.asg"] });
    expect(Object.fromEntries(changes.map((c) => [c.address, c.action]))).toEqual({
      "aws_autoscaling_group.asg": "replace",
      "aws_cloudwatch_metric_alarm.alarm": "update",
      "terraform_data.follower": "replace",
    });
  });

  it("lists the taint before the attributes that also changed", () => {
    const after = structuredClone(doc) as { resource: Record<string, Record<string, object>> };
    after.resource.aws_autoscaling_group.asg = {
      ...after.resource.aws_autoscaling_group.asg,
      max_size: 3,
    };
    const changes = changeSet(doc, after as SynthesizedDocument, {
      tainted: ["aws_autoscaling_group.asg"],
    });
    expect(changes.find((c) => c.address === "aws_autoscaling_group.asg")?.reasons).toEqual([
      "tainted",
      "max_size changed",
    ]);
  });

  test.each([
    ["a data source", "data.aws_region.current"],
    ["an address that names no block", "aws_autoscaling_group.gone"],
  ])("ignores %s given as tainted", (_case, address) => {
    expect(changeSet(doc, doc, { tainted: [address] })).toEqual([]);
  });

  it("reports nothing for identical documents without tainted resources", () => {
    expect(changeSet(doc, doc, {})).toEqual([]);
  });
});
