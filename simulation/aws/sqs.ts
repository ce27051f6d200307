/** SQS (JSON 1.0) as the provider uses it for `aws_sqs_queue`: queues with their attributes. */
import type { SimulatedClock } from "../clock";
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

/** What SQS reports for a queue created without them (the provider reads them all back). */
const DEFAULT_ATTRIBUTES: Readonly<Record<string, string>> = {
  DelaySeconds: "0",
  MaximumMessageSize: "262144",
  MessageRetentionPeriod: "345600",
  ReceiveMessageWaitTimeSeconds: "0",
  VisibilityTimeout: "30",
  SqsManagedSseEnabled: "true",
};

interface Queue {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly messages: string[];
}

export class SimulatedSqs implements SimulatedService {
  readonly signingName = "sqs";
  readonly queues = new Map<string, Queue>();

  constructor(private readonly clock: SimulatedClock) {}

  handle({ operation, params, region }: ServiceCall): object {
    const p = params as {
      QueueName?: string;
      QueueUrl?: string;
      Attributes?: Record<string, string>;
      tags?: Record<string, string>;
    };
    switch (operation) {
      case "CreateQueue": {
        const name = p.QueueName ?? "";
        const url = `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${name}`;
        const now = String(Math.floor(this.clock.now() / 1000));
        this.queues.set(url, {
          name,
          attributes: {
            ...DEFAULT_ATTRIBUTES,
            ...p.Attributes,
            QueueArn: `arn:aws:sqs:${region}:${ACCOUNT_ID}:${name}`,
            CreatedTimestamp: now,
            LastModifiedTimestamp: now,
            ApproximateNumberOfMessages: "0",
            ApproximateNumberOfMessagesNotVisible: "0",
            ApproximateNumberOfMessagesDelayed: "0",
          },
          tags: { ...p.tags },
          messages: [],
        });
        return { QueueUrl: url };
      }
      case "GetQueueUrl": {
        const url = [...this.queues].find(([, queue]) => queue.name === p.QueueName)?.[0];
        if (url === undefined) throw nonExistent();
        return { QueueUrl: url };
      }
      case "GetQueueAttributes":
        return { Attributes: this.queue(p.QueueUrl).attributes };
      case "SetQueueAttributes":
        Object.assign(this.queue(p.QueueUrl).attributes, p.Attributes);
        return {};
      case "ListQueueTags":
        return { Tags: this.queue(p.QueueUrl).tags };
      case "TagQueue":
        Object.assign(this.queue(p.QueueUrl).tags, (params as { Tags?: object }).Tags);
        return {};
      case "SendMessage":
        this.queue(p.QueueUrl).messages.push(
          String((params as { MessageBody?: string }).MessageBody),
        );
        return { MessageId: `m-${this.queue(p.QueueUrl).messages.length}` };
      case "DeleteQueue":
        this.queue(p.QueueUrl);
        this.queues.delete(p.QueueUrl ?? "");
        return {};
      default:
        throw new AwsError("InvalidAction", `simulated SQS has no ${operation}`);
    }
  }

  private queue(url: string | undefined): Queue {
    const queue = this.queues.get(url ?? "");
    if (queue === undefined) throw nonExistent();
    return queue;
  }
}

function nonExistent(): AwsError {
  return new AwsError(
    "AWS.SimpleQueueService.NonExistentQueue",
    "The specified queue does not exist.",
  );
}
