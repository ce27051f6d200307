import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import type { EcsCluster } from "./ecs-cluster";
import { readable } from "./readable-address";

/** SQS's longest retention: two weeks to read what failed. */
const RETENTION_SECONDS = 14 * 24 * 3600;

export interface DrainFailuresProps {
  /** Cluster the drain function drains; names the queue and its alarm. */
  readonly cluster: EcsCluster;
  /**
   * SNS topic notified when a failed event arrives and when the queue is empty again.
   * @default none — the alarm changes state without notifying anyone
   */
  readonly actionsTopicArn?: string;
}

/**
 * Where the drain function's failed events go. Lambda retries an asynchronous (SNS) invocation
 * twice and then drops the event; with this queue as the function's dead-letter target the event
 * is kept for two weeks instead, and an alarm says that one arrived: an instance that was waiting
 * for that event is then held only by its hook's heartbeat.
 */
export class DrainFailures extends Construct {
  /** `aws_sqs_queue.instance_drain_failures`: the function's dead-letter queue. */
  public readonly queue: SqsQueue;
  /** `aws_cloudwatch_metric_alarm.instance_drain_failures`: any event in the queue. */
  public readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DrainFailuresProps) {
    super(scope, id);
    const { names } = props.cluster;
    const name = names.failureQueue;
    this.queue = readable(
      new SqsQueue(this, "Queue", {
        name,
        messageRetentionSeconds: RETENTION_SECONDS,
        // SQS-managed keys: Lambda can send without any KMS permission on the function's role.
        sqsManagedSseEnabled: true,
      }),
      "instance_drain_failures",
    );
    const actions = props.actionsTopicArn ? [props.actionsTopicArn] : undefined;
    this.alarm = readable(
      new CloudwatchMetricAlarm(this, "Alarm", {
        alarmName: names.failureQueueAlarm,
        alarmDescription: `The drain function of ${names.cluster} dropped a lifecycle event after its retries; see the ${name} queue`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.queue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        // SQS stops publishing metrics for a queue that stays empty and idle.
        treatMissingData: "notBreaching",
        alarmActions: actions,
        okActions: actions,
      }),
      "instance_drain_failures",
    );
  }
}
