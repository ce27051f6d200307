/**
 * CloudWatch as the provider uses it for `aws_cloudwatch_metric_alarm`. The Go SDK's protocol
 * for it (query or RPC v2 CBOR) is whichever the provider's build speaks; the server decodes
 * both, and the answers here are protocol-neutral objects.
 */
import type { SimulatedClock } from "../clock";
import { ACCOUNT_ID, AwsError, list, type ServiceCall, type SimulatedService } from "./service";

type Alarm = Record<string, unknown> & { AlarmName: string; AlarmArn: string };

export class SimulatedCloudWatch implements SimulatedService {
  constructor(private readonly clock: SimulatedClock) {}

  readonly signingName = "monitoring";
  readonly alarms = new Map<string, Alarm>();
  readonly tags = new Map<string, unknown[]>();

  handle({ operation, params, region }: ServiceCall): object {
    const p = params as Record<string, unknown> & { AlarmName?: string; ResourceARN?: string };
    switch (operation) {
      case "PutMetricAlarm": {
        const name = String(p.AlarmName);
        const { Tags, ...settings } = p;
        const arn = `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${name}`;
        this.alarms.set(name, {
          ActionsEnabled: true,
          OKActions: [],
          AlarmActions: [],
          InsufficientDataActions: [],
          Dimensions: [],
          ...settings,
          AlarmName: name,
          AlarmArn: arn,
          StateValue: "INSUFFICIENT_DATA",
          AlarmConfigurationUpdatedTimestamp: new Date(this.clock.now()),
        });
        if (Tags !== undefined) this.tags.set(arn, list(Tags));
        return {};
      }
      case "DescribeAlarms": {
        const names = list<string>(p.AlarmNames);
        const alarms = [...this.alarms.values()].filter(
          (alarm) => names.length === 0 || names.includes(alarm.AlarmName),
        );
        return { MetricAlarms: alarms, CompositeAlarms: [] };
      }
      case "ListTagsForResource":
        return { Tags: this.tags.get(String(p.ResourceARN)) ?? [] };
      case "DeleteAlarms":
        for (const name of list<string>(p.AlarmNames)) this.alarms.delete(name);
        return {};
      default:
        throw new AwsError("InvalidAction", `simulated CloudWatch has no ${operation}`);
    }
  }
}
