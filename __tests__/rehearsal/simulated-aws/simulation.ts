/**
 * The simulated AWS as one object: every service on one loopback endpoint, wired together the
 * way AWS wires them (a hook notifies its SNS topic, SNS invokes the subscribed function), with
 * a timeline of what happened for the rehearsal's report.
 */
import { SimulatedAutoScaling } from "./autoscaling";
import { SimulatedCloudWatch } from "./cloudwatch";
import { SimulatedEc2 } from "./ec2";
import { SimulatedEcs } from "./ecs";
import { SimulatedIam } from "./iam";
import { SimulatedLambda, type LambdaFunction } from "./lambda";
import { SimulatedLogs } from "./logs";
import { startSimulatedAws, type SimulatedAwsServer } from "./server";
import { IdSource } from "./service";
import { SimulatedSns } from "./sns";
import { SimulatedSqs } from "./sqs";

export interface SimulationOptions {
  /** @default us-east-1 — the region the stacks' provider names. */
  readonly region?: string;
  /** Real milliseconds per second of AWS time (hook timeouts, boot); 1000 is real time. */
  readonly msPerSecond: number;
  /** Runs a function for an asynchronous invocation; without one, invocations are only recorded. */
  readonly runFunction?: (fn: LambdaFunction, payload: string, aws: SimulatedAws) => void;
  /** Seconds of AWS time from an instance's boot to its ECS agent registering it. */
  readonly registrationSeconds: number;
}

export interface TimelineEvent {
  /** Milliseconds since the simulation started. */
  readonly at: number;
  readonly event: string;
}

export interface SimulatedAws {
  readonly server: SimulatedAwsServer;
  readonly autoScaling: SimulatedAutoScaling;
  readonly ecs: SimulatedEcs;
  readonly lambda: SimulatedLambda;
  readonly sns: SimulatedSns;
  readonly timeline: TimelineEvent[];
  /** Asynchronous invocations, as SNS made them: function name and payload. */
  readonly invocations: { functionName: string; payload: string }[];
  close(): Promise<void>;
}

export async function startSimulation(options: SimulationOptions): Promise<SimulatedAws> {
  const started = Date.now();
  const timeline: TimelineEvent[] = [];
  const log = (event: string) => timeline.push({ at: Date.now() - started, event });
  const ids = new IdSource();
  const region = options.region ?? "us-east-1";
  const sns = new SimulatedSns(ids);
  const lambda = new SimulatedLambda();
  const ecs = new SimulatedEcs();
  const autoScaling = new SimulatedAutoScaling(
    ids,
    {
      notify: (targetArn, message) => {
        sns.publish(targetArn, message);
      },
      launched: (instance) => {
        // The agent joins the cluster its user data names (ECS_CLUSTER in /etc/ecs/ecs.config).
        const lc = autoScaling.launchConfigurations.get(instance.LaunchConfigurationName);
        const userData = Buffer.from(String(lc?.UserData ?? ""), "base64").toString();
        const cluster = /ECS_CLUSTER=(\S+)/.exec(userData)?.[1] ?? "default";
        setTimeout(() => {
          if (instance.LifecycleState.startsWith("Terminat")) return;
          ecs.register(cluster, instance.InstanceId, region);
          log(`${instance.InstanceId} registered with ECS cluster ${cluster}`);
        }, options.registrationSeconds * options.msPerSecond).unref();
      },
      terminated: (instance) => ecs.deregister(instance.InstanceId),
      log,
    },
    options.msPerSecond,
  );
  const server = await startSimulatedAws([
    autoScaling,
    new SimulatedCloudWatch(),
    new SimulatedEc2(),
    ecs,
    new SimulatedIam(ids),
    lambda,
    new SimulatedLogs(),
    sns,
    new SimulatedSqs(),
    {
      signingName: "sts",
      handle: () => ({
        Account: "123456789012",
        Arn: "arn:aws:iam::123456789012:user/rehearsal",
        UserId: "AIDSIMULATED",
      }),
    },
  ]);
  const aws: SimulatedAws = {
    server,
    autoScaling,
    ecs,
    lambda,
    sns,
    timeline,
    invocations: [],
    close: () => server.close(),
  };
  sns.deliver = (functionArn, message, topicArn) => {
    const fn = [...lambda.functions.values()].find(
      (f) => f.configuration.FunctionArn === functionArn,
    );
    const payload = snsEvent(topicArn, message);
    aws.invocations.push({ functionName: fn?.configuration.FunctionName ?? functionArn, payload });
    if (fn !== undefined) options.runFunction?.(fn, payload, aws);
  };
  return aws;
}

/** The event Lambda receives from an SNS subscription. */
function snsEvent(topicArn: string, message: string): string {
  return JSON.stringify({
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:subscription`,
        Sns: {
          Type: "Notification",
          MessageId: `msg-${Date.now()}`,
          TopicArn: topicArn,
          Subject: null,
          Message: message,
          Timestamp: new Date().toISOString(),
          MessageAttributes: {},
        },
      },
    ],
  });
}
