import { DrainFailures } from "../../constructs/drain-failures";
import { EcsCluster } from "../../constructs/ecs-cluster";
import { synthScope } from "../../simulation/fixtures";

/** Issue 16 §4: one alarm per new failure, and the backlog still visible. */

const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
const alarms = (actionsTopicArn?: string) =>
  synthScope((scope) => {
    const cluster = new EcsCluster(scope, "Cluster", { clusterName: "apps-test" });
    new DrainFailures(scope, "Failures", { cluster, actionsTopicArn });
  }).resource?.aws_cloudwatch_metric_alarm ?? {};

describe("DrainFailures", () => {
  it("keeps the new-failure alarm at its address and the backlog alarm beside it", () => {
    expect(Object.keys(alarms()).sort()).toEqual([
      "instance_drain_failure_backlog",
      "instance_drain_failures",
    ]);
  });

  it("shows the backlog: in ALARM while any failed event waits in the queue", () => {
    expect(alarms().instance_drain_failure_backlog).toMatchObject({
      alarm_name: "apps-test-instance-drain-failures-backlog",
      namespace: "AWS/SQS",
      metric_name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "${aws_sqs_queue.instance_drain_failures.name}" },
      statistic: "Maximum",
      comparison_operator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treat_missing_data: "notBreaching",
    });
  });

  it("notifies through the new-failure alarm only, so one failure pages once", () => {
    const { instance_drain_failures: perFailure, instance_drain_failure_backlog: backlog } =
      alarms(topic);
    expect(perFailure).toMatchObject({ alarm_actions: [topic], ok_actions: [topic] });
    expect(backlog).not.toHaveProperty("alarm_actions");
    expect(backlog).not.toHaveProperty("ok_actions");
  });
});
