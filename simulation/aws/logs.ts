/** CloudWatch Logs (JSON 1.1) as the provider uses it for `aws_cloudwatch_log_group`. */
import type { SimulatedClock } from "../clock";
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

interface LogGroup {
  readonly logGroupName: string;
  readonly arn: string;
  readonly logGroupArn: string;
  readonly creationTime: number;
  retentionInDays?: number;
  readonly logGroupClass: string;
  readonly tags: Record<string, string>;
}

export class SimulatedLogs implements SimulatedService {
  constructor(private readonly clock: SimulatedClock) {}

  readonly signingName = "logs";
  readonly groups = new Map<string, LogGroup>();

  handle({ operation, params, region }: ServiceCall): object {
    const p = params as {
      logGroupName?: string;
      logGroupNamePrefix?: string;
      retentionInDays?: number;
      tags?: Record<string, string>;
      resourceArn?: string;
    };
    switch (operation) {
      case "CreateLogGroup": {
        const name = p.logGroupName ?? "";
        if (this.groups.has(name))
          throw new AwsError(
            "ResourceAlreadyExistsException",
            "The specified log group already exists",
          );
        const logGroupArn = `arn:aws:logs:${region}:${ACCOUNT_ID}:log-group:${name}`;
        this.groups.set(name, {
          logGroupName: name,
          arn: `${logGroupArn}:*`,
          logGroupArn,
          creationTime: this.clock.now(),
          logGroupClass: "STANDARD",
          tags: { ...p.tags },
        });
        return {};
      }
      case "PutRetentionPolicy":
        this.group(p.logGroupName).retentionInDays = p.retentionInDays;
        return {};
      case "DescribeLogGroups": {
        const prefix = p.logGroupNamePrefix ?? "";
        const groups = [...this.groups.values()].filter((group) =>
          group.logGroupName.startsWith(prefix),
        );
        return { logGroups: groups.map(({ tags, ...group }) => (void tags, group)) };
      }
      case "ListTagsForResource": {
        const group = [...this.groups.values()].find((g) =>
          p.resourceArn?.startsWith(g.logGroupArn),
        );
        if (group === undefined) throw notFound();
        return { tags: group.tags };
      }
      case "ListTagsLogGroup":
        return { tags: this.group(p.logGroupName).tags };
      case "DeleteLogGroup":
        this.group(p.logGroupName);
        this.groups.delete(p.logGroupName ?? "");
        return {};
      default:
        throw new AwsError("InvalidAction", `simulated CloudWatch Logs has no ${operation}`);
    }
  }

  private group(name: string | undefined): LogGroup {
    const group = this.groups.get(name ?? "");
    if (group === undefined) throw notFound();
    return group;
  }
}

function notFound(): AwsError {
  return new AwsError("ResourceNotFoundException", "The specified log group does not exist.");
}
