import "../support/cdktf-matchers";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { LowInstanceAlarm, LowInstanceAlarmProps } from "../../constructs/low-instance-alarm";
import { onlyResource } from "../../simulation/fixtures";

/** The stack with an ASG and the alarm on it, as Testing.synthScope gives it (JSON text). */
function synthesized(props: Partial<LowInstanceAlarmProps> = {}): string {
  return Testing.synthScope((scope: Construct) => {
    const asg = new AutoscalingGroup(scope, "Group", {
      name: "apps-test-1",
      minSize: 2,
      maxSize: 4,
    });
    asg.overrideLogicalId("instances");
    new LowInstanceAlarm(scope, "Alarm", {
      autoScalingGroup: asg,
      alarmName: "apps-test-low-instances",
      minimumInstances: 2,
      ...props,
    });
  });
}

/** The one alarm, for what the matchers cannot say (a property that must be absent). */
const synth = (props: Partial<LowInstanceAlarmProps> = {}) =>
  onlyResource(JSON.parse(synthesized(props)), "aws_cloudwatch_metric_alarm");

describe("LowInstanceAlarm", () => {
  it("watches GroupInServiceInstances of the ASG by its name", () => {
    expect(synthesized()).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      alarm_name: "apps-test-low-instances",
      namespace: "AWS/AutoScaling",
      metric_name: "GroupInServiceInstances",
      dimensions: { AutoScalingGroupName: "${aws_autoscaling_group.instances.name}" },
    });
  });

  it("fires when fewer than the minimum are in service for 5 minutes by default", () => {
    expect(synthesized()).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      statistic: "Minimum",
      period: 60,
      evaluation_periods: 5,
      comparison_operator: "LessThanThreshold",
      threshold: 2,
    });
  });

  it("takes the evaluation periods from props", () => {
    expect(synthesized({ evaluationPeriods: 2 })).toHaveResourceWithProperties(
      CloudwatchMetricAlarm,
      { evaluation_periods: 2 },
    );
  });

  it("does not fire while a new ASG has no metrics yet", () => {
    expect(synthesized()).toHaveResourceWithProperties(CloudwatchMetricAlarm, {
      treat_missing_data: "missing",
    });
  });

  it("notifies nobody by default", () => {
    const alarm = synth();
    expect(alarm).not.toHaveProperty("alarm_actions");
    expect(alarm).not.toHaveProperty("ok_actions");
  });

  it("notifies the topic when it fires and when it recovers", () => {
    const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
    expect(synthesized({ actionsTopicArn: topic })).toHaveResourceWithProperties(
      CloudwatchMetricAlarm,
      {
        alarm_actions: [topic],
        ok_actions: [topic],
      },
    );
  });

  test.each<[string, Partial<LowInstanceAlarmProps>, string]>([
    [
      "a minimum of zero",
      { minimumInstances: 0 },
      "LowInstanceAlarm minimumInstances must be a whole number of at least 1, got 0",
    ],
    [
      "zero evaluation periods",
      { evaluationPeriods: 0 },
      "LowInstanceAlarm evaluationPeriods must be a whole number of at least 1, got 0",
    ],
  ])("rejects %s", (_case, props, message) => {
    expect(() => synth(props)).toThrow(message);
  });
});
