import { Construct } from "constructs";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { ConfigError, describeValue } from "../config/config-error";
import { atFixedAddress, FIXED_ADDRESSES } from "./readable-address";

export interface LowInstanceAlarmProps {
  /** The ASG whose in-service instances are watched (by name, so an AMI update updates it). */
  readonly autoScalingGroup: AutoscalingGroup;
  /** Name of the alarm. */
  readonly alarmName: string;
  /** The alarm fires when fewer instances than this are in service: the stage's minimum. */
  readonly minimumInstances: number;
  /**
   * SNS topic notified when the alarm fires and when it recovers.
   * @default none — the alarm changes state without notifying anyone
   */
  readonly actionsTopicArn?: string;
  /**
   * Consecutive one-minute periods below the minimum before the alarm fires.
   * @default 5
   */
  readonly evaluationPeriods?: number;
}

/**
 * Alarm on the ASG's `GroupInServiceInstances` falling below the stage's minimum.
 *
 * Missing data is left out of the evaluation (INSUFFICIENT_DATA when there is none): after an
 * AMI update the alarm points at a new ASG whose metrics start a minute or two later, and
 * counting that gap as breaching would page on-call on every rollout. The price: an ASG whose
 * metrics stop altogether sits in INSUFFICIENT_DATA without notifying anyone; the ASG's
 * `enabled_metrics` (tested) is what keeps them flowing.
 */
export class LowInstanceAlarm extends Construct {
  /** `aws_cloudwatch_metric_alarm.low_instance_alarm`. */
  public readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: LowInstanceAlarmProps) {
    super(scope, id);
    const evaluationPeriods = props.evaluationPeriods ?? 5;
    if (!Number.isInteger(props.minimumInstances) || props.minimumInstances < 1) {
      throw new ConfigError(
        `LowInstanceAlarm minimumInstances must be a whole number of at least 1, got ${describeValue(props.minimumInstances)}`,
      );
    }
    if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1) {
      throw new ConfigError(
        `LowInstanceAlarm evaluationPeriods must be a whole number of at least 1, got ${describeValue(props.evaluationPeriods)}`,
      );
    }
    const actions = props.actionsTopicArn ? [props.actionsTopicArn] : undefined;
    this.alarm = atFixedAddress(
      new CloudwatchMetricAlarm(this, "Alarm", {
        alarmName: props.alarmName,
        alarmDescription: `Fewer than ${props.minimumInstances} instances in service`,
        namespace: "AWS/AutoScaling",
        metricName: "GroupInServiceInstances",
        dimensions: { AutoScalingGroupName: props.autoScalingGroup.name },
        statistic: "Minimum",
        period: 60,
        evaluationPeriods,
        comparisonOperator: "LessThanThreshold",
        threshold: props.minimumInstances,
        treatMissingData: "missing",
        alarmActions: actions,
        okActions: actions,
      }),
      FIXED_ADDRESSES.lowInstanceAlarm,
    );
  }
}
