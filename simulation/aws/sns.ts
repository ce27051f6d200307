/**
 * SNS as the provider uses it for `aws_sns_topic`, `aws_sns_topic_policy` and
 * `aws_sns_topic_subscription`, and as Auto Scaling uses it: a publish to a topic is delivered
 * to each `lambda` subscription through `deliver` (asynchronously, as SNS invokes Lambda).
 */
import type { Account } from "./account";
import {
  ACCOUNT_ID,
  AwsError,
  IdSource,
  list,
  type ServiceCall,
  type SimulatedService,
} from "./service";

interface Topic {
  readonly attributes: Map<string, string>;
  readonly tags: { Key: string; Value: string }[];
}

interface Subscription {
  readonly attributes: Map<string, string>;
}

type QueryMap = { key: string; value: string }[];

/** A message as a topic received it; `attributes` by name, as subscribers get them. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

export interface MessageAttribute {
  readonly Type: string;
  readonly Value: string;
}

export class SimulatedSns implements SimulatedService {
  readonly signingName = "sns";
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  /** Every message published, in order (Auto Scaling's notifications too). */
  readonly published: PublishedMessage[] = [];
  /** Hands a message to a subscribed function (set by the simulation that owns Lambda). */
  deliver: (functionArn: string, published: PublishedMessage) => void = () => undefined;

  constructor(
    private readonly ids: IdSource,
    /** Topics that exist beside the stacks' (the on-call topic), with their encryption key. */
    private readonly account?: () => Account,
  ) {}

  handle({ operation, params, region }: ServiceCall): object {
    const p = params as Record<string, string>;
    switch (operation) {
      case "CreateTopic": {
        const arn = `arn:aws:sns:${region}:${ACCOUNT_ID}:${p.Name}`;
        if (!this.topics.has(arn)) {
          const attributes = new Map<string, string>([
            ["TopicArn", arn],
            ["Owner", ACCOUNT_ID],
            ["DisplayName", ""],
            ["Policy", defaultPolicy(arn)],
            ["SubscriptionsConfirmed", "0"],
            ["SubscriptionsPending", "0"],
            ["SubscriptionsDeleted", "0"],
            [
              "EffectiveDeliveryPolicy",
              JSON.stringify({
                http: {
                  defaultHealthyRetryPolicy: {
                    minDelayTarget: 20,
                    maxDelayTarget: 20,
                    numRetries: 3,
                  },
                },
              }),
            ],
          ]);
          for (const { key, value } of list<QueryMap[number]>(params.Attributes))
            attributes.set(key, value);
          this.topics.set(arn, { attributes, tags: list(params.Tags) });
        }
        return { TopicArn: arn };
      }
      case "GetTopicAttributes": {
        const accountTopic = this.topics.has(p.TopicArn)
          ? undefined
          : this.account?.().topics[p.TopicArn];
        if (accountTopic === undefined) return { Attributes: this.topic(p.TopicArn).attributes };
        const { kmsKey } = accountTopic;
        return {
          Attributes: new Map([
            ["TopicArn", p.TopicArn],
            ...(kmsKey ? [["KmsMasterKeyId", kmsKey] as [string, string]] : []),
          ]),
        };
      }
      case "SetTopicAttributes":
        this.topic(p.TopicArn).attributes.set(p.AttributeName, p.AttributeValue ?? "");
        return {};
      case "ListTagsForResource":
        return { Tags: this.topic(p.ResourceArn).tags };
      case "TagResource":
        this.topic(p.ResourceArn).tags.push(...list<{ Key: string; Value: string }>(params.Tags));
        return {};
      case "DeleteTopic":
        this.topics.delete(p.TopicArn);
        return {};
      case "Subscribe": {
        this.topic(p.TopicArn);
        const arn = `${p.TopicArn}:${this.ids.hex("sub").slice(4)}`;
        const attributes = new Map<string, string>([
          ["SubscriptionArn", arn],
          ["TopicArn", p.TopicArn],
          ["Protocol", p.Protocol],
          ["Endpoint", p.Endpoint],
          ["Owner", ACCOUNT_ID],
          ["ConfirmationWasAuthenticated", "true"],
          ["PendingConfirmation", "false"],
          ["RawMessageDelivery", "false"],
        ]);
        for (const { key, value } of list<QueryMap[number]>(params.Attributes))
          attributes.set(key, value);
        this.subscriptions.set(arn, { attributes });
        return { SubscriptionArn: arn };
      }
      case "GetSubscriptionAttributes":
        return { Attributes: this.subscription(p.SubscriptionArn).attributes };
      case "SetSubscriptionAttributes":
        this.subscription(p.SubscriptionArn).attributes.set(
          p.AttributeName,
          p.AttributeValue ?? "",
        );
        return {};
      case "ListSubscriptionsByTopic":
        return {
          Subscriptions: [...this.subscriptions.values()]
            .map(({ attributes }) => attributes)
            .filter((attributes) => attributes.get("TopicArn") === p.TopicArn)
            .map((attributes) => ({
              SubscriptionArn: attributes.get("SubscriptionArn"),
              TopicArn: attributes.get("TopicArn"),
              Protocol: attributes.get("Protocol"),
              Endpoint: attributes.get("Endpoint"),
              Owner: attributes.get("Owner"),
            })),
        };
      case "Unsubscribe":
        this.subscriptions.delete(p.SubscriptionArn);
        return {};
      case "Publish": {
        const attributes = list<{ Name: string; Value: { DataType: string; StringValue: string } }>(
          params.MessageAttributes,
        ).map(({ Name, Value }) => [Name, { Type: Value.DataType, Value: Value.StringValue }]);
        return {
          MessageId: this.publish({
            topicArn: p.TopicArn,
            message: p.Message,
            ...(p.Subject === undefined ? {} : { subject: p.Subject }),
            attributes: Object.fromEntries(attributes),
          }),
        };
      }
      default:
        throw new AwsError("InvalidAction", `simulated SNS has no ${operation}`);
    }
  }

  /** Delivers the message to the topic's lambda subscriptions; returns its id. */
  publish(published: PublishedMessage): string {
    this.topic(published.topicArn);
    this.published.push(published);
    for (const { attributes } of this.subscriptions.values()) {
      if (
        attributes.get("TopicArn") === published.topicArn &&
        attributes.get("Protocol") === "lambda"
      ) {
        this.deliver(attributes.get("Endpoint") ?? "", published);
      }
    }
    return this.ids.hex("msg");
  }

  private topic(arn: string): Topic {
    const topic = this.topics.get(arn);
    if (topic === undefined) throw new AwsError("NotFound", "Topic does not exist", 404);
    return topic;
  }

  private subscription(arn: string): Subscription {
    const subscription = this.subscriptions.get(arn);
    if (subscription === undefined)
      throw new AwsError("NotFound", "Subscription does not exist", 404);
    return subscription;
  }
}

/** The policy SNS gives a new topic: the owning account may do everything. */
function defaultPolicy(arn: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceOwner": ACCOUNT_ID } },
      },
    ],
  });
}
