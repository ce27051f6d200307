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
 * is kept for two weeks instead: an instance that was waiting for that event is then held only
 * by its hook's heartbeat. Two alarms watch it: one per new failure, which notifies, and one
 * that stays in ALARM while failures wait to be handled (replayed or deleted).
 */
export class DrainFailures extends Construct {
  /** `aws_sqs_queue.instance_drain_failures`: the function's dead-letter queue. */
  public readonly queue: SqsQueue;
  /**
   * `aws_cloudwatch_metric_alarm.instance_drain_failures`: an event reached the queue in the
   * last period. It returns to OK after a period without one, so the next failure notifies
   * again, even while earlier ones still wait in the queue.
   */
  public readonly alarm: CloudwatchMetricAlarm;
  /** `aws_cloudwatch_metric_alarm.instance_drain_failure_backlog`: events wait in the queue. */
  public readonly backlogAlarm: CloudwatchMetricAlarm;

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
    // Lambda puts a failed event in its dead-letter queue with SendMessage, which SQS counts in
    // NumberOfMessagesSent (unlike a redrive from a source queue, which it does not). Watching
    // the backlog instead would stay in ALARM after the first failure until someone purged the
    // queue, and a second, different failure would notify no one.
    this.alarm = readable(
      new CloudwatchMetricAlarm(this, "Alarm", {
        alarmName: names.failureQueueAlarm,
        alarmDescription: `The drain function of ${names.cluster} gave up on a lifecycle event (or a drain is blocked) after its retries; see the ${name} queue and docs/instance-drain.md`,
        namespace: "AWS/SQS",
        metricName: "NumberOfMessagesSent",
        dimensions: { QueueName: this.queue.name },
        statistic: "Sum",
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
    // The to-do list: in ALARM while anything waits in the queue. It notifies no one (each
    // failure already did); the console and `describe-alarms` show it until the queue is clear.
    this.backlogAlarm = readable(
      new CloudwatchMetricAlarm(this, "BacklogAlarm", {
        alarmName: names.failureBacklogAlarm,
        alarmDescription: `Failed drain events wait in the ${name} queue: replay or delete them (docs/instance-drain.md)`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.queue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        treatMissingData: "notBreaching",
      }),
      "instance_drain_failure_backlog",
    );
  }
}
