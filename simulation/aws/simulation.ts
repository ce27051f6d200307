/**
 * The simulated AWS as one object: every service on one loopback endpoint, wired together the
 * way AWS wires them (a hook notifies its SNS topic, SNS invokes the subscribed function), with
 * a timeline of what happened for the rehearsal's report.
 */
import type { SNSEvent } from "aws-lambda";
import type { Account } from "./account";
import { SimulatedAutoScaling, type AdoptedGroup } from "./autoscaling";
import { scaledClock, type SimulatedClock } from "../clock";
import { SimulatedCloudWatch } from "./cloudwatch";
import { SimulatedEc2 } from "./ec2";
import { SimulatedEcs } from "./ecs";
import { Faults, type FaultSettings } from "./faults";
import type { GroupInstance } from "./group-instances";
import { SimulatedIam } from "./iam";
import { SimulatedLambda, type LambdaFunction } from "./lambda";
import {
  SimulatedLoadBalancer,
  type LoadBalancerOptions,
  type ServiceTraffic,
} from "./load-balancer";
import { SimulatedLogs } from "./logs";
import { startSimulatedAws, type SimulatedAwsServer } from "./server";
import { SimulatedS3 } from "./s3";
import { IdSource } from "./service";
import { SimulatedSns, type PublishedMessage } from "./sns";
import { SimulatedSqs } from "./sqs";
import { SimulatedSsm } from "./ssm";

export interface SimulationOptions {
  /** @default us-east-1 — the region the stacks' provider names. */
  readonly region?: string;
  /** AWS time: every timestamp the simulation writes and every delay it waits. */
  readonly clock?: SimulatedClock;
  /** Without `clock`: real milliseconds per second of AWS time, from now. */
  readonly msPerSecond?: number;
  /** Runs a function for an asynchronous invocation; without one, invocations are only recorded. */
  readonly runFunction?: (fn: LambdaFunction, payload: string, aws: SimulatedAws) => void;
  /** Seconds of AWS time from an instance's boot to its ECS agent registering it. */
  readonly registrationSeconds: number;
  /** The fault knobs to start with (also settable later through `faults`). */
  readonly faults?: FaultSettings;
  readonly loadBalancer?: LoadBalancerOptions;
  /** The loopback port to serve on. @default 0 — any free port */
  readonly port?: number;
  /**
   * What the account holds beside the stacks (images, subnets, instance profiles, buckets, ...):
   * with one, EC2, IAM and S3 answer `check`'s and `ami`'s look-ups from it, and EC2 knows only
   * its images. @default none: every AMI id exists, and those look-ups are unknown calls
   */
  readonly account?: Account;
}

export interface TimelineEvent {
  /** AWS milliseconds since the simulation started. */
  readonly at: number;
  /** AWS epoch milliseconds. */
  readonly awsTime: number;
  readonly event: string;
}

export interface SimulatedAws {
  readonly server: SimulatedAwsServer;
  readonly clock: SimulatedClock;
  readonly autoScaling: SimulatedAutoScaling;
  readonly ecs: SimulatedEcs;
  readonly lambda: SimulatedLambda;
  readonly sns: SimulatedSns;
  /** The public parameters AWS publishes (the recommended ECS-optimized AMI). */
  readonly ssm: SimulatedSsm;
  readonly faults: Faults;
  readonly loadBalancer: SimulatedLoadBalancer;
  readonly timeline: TimelineEvent[];
  /** Asynchronous invocations, as SNS made them: function name and payload. */
  readonly invocations: { functionName: string; payload: string }[];
  /**
   * The start state of a first rollout after adoption: a group created outside the simulation,
   * its instances InService and registered with the cluster its user data names.
   */
  adoptGroup(group: AdoptedGroup): GroupInstance[];
  /** What the load balancer counted, per replica service. */
  traffic(): ServiceTraffic[];
  close(): Promise<void>;
}

export async function startSimulation(options: SimulationOptions): Promise<SimulatedAws> {
  const clock = options.clock ?? scaledClock(options.msPerSecond ?? 1000);
  const started = clock.now();
  const timeline: TimelineEvent[] = [];
  const log = (event: string) => {
    const awsTime = clock.now();
    timeline.push({ at: awsTime - started, awsTime, event });
  };
  const ids = new IdSource();
  const region = options.region ?? "us-east-1";
  const faults = new Faults(options.faults);
  const sns = new SimulatedSns(ids);
  const ssm = new SimulatedSsm(() => clock.now());
  const account = options.account;
  const lambda = new SimulatedLambda(clock);
  const loadBalancer = new SimulatedLoadBalancer(clock, log, options.loadBalancer);
  const ecs = new SimulatedEcs(
    clock,
    {
      log,
      taskChanged: (task, change) => loadBalancer.taskChanged(task, change),
      healthyOn: (imageId) => faults.healthyOn(imageId),
    },
    faults,
    region,
  );
  ecs.serviceCreated = (service, tasks) => loadBalancer.track(service, tasks);
  /** The cluster its user data names (ECS_CLUSTER in /etc/ecs/ecs.config) and its AMI. */
  const agentOf = (instance: GroupInstance) => {
    const lc = autoScaling.launchConfigurations.get(instance.LaunchConfigurationName);
    const userData = Buffer.from(String(lc?.UserData ?? ""), "base64").toString();
    return {
      cluster: /ECS_CLUSTER=(\S+)/.exec(userData)?.[1] ?? "default",
      imageId: String(lc?.ImageId ?? ""),
    };
  };
  const registerAgent = (instance: GroupInstance) => {
    const { cluster, imageId } = agentOf(instance);
    ecs.register({
      cluster,
      ec2InstanceId: instance.InstanceId,
      region,
      availabilityZone: instance.AvailabilityZone,
      instanceType: instance.InstanceType,
      imageId,
    });
    log(`${instance.InstanceId} registered with ECS cluster ${cluster}`);
  };
  const autoScaling = new SimulatedAutoScaling(
    ids,
    {
      notify: (targetArn, message) => {
        sns.publish({ topicArn: targetArn, message, attributes: {} });
      },
      launched: (instance) => {
        if (!faults.registers(agentOf(instance).imageId, instance.LaunchConfigurationName)) {
          log(
            `${instance.InstanceId} booted from ${agentOf(instance).imageId}; its ECS agent will never register`,
          );
          return;
        }
        clock.after(options.registrationSeconds * 1000, () => {
          if (!instance.LifecycleState.startsWith("Terminat")) registerAgent(instance);
        });
      },
      terminated: (instance) => ecs.deregister(instance.InstanceId),
      log,
    },
    clock,
  );
  const server = await startSimulatedAws(
    [
      autoScaling,
      new SimulatedCloudWatch(clock),
      new SimulatedEc2(account && (() => account)),
      ecs,
      new SimulatedIam(ids, clock, account && (() => account)),
      lambda,
      new SimulatedLogs(clock),
      sns,
      new SimulatedSqs(clock),
      ssm,
      ...(account ? [new SimulatedS3(() => account)] : []),
      {
        signingName: "sts",
        handle: () => ({
          Account: "123456789012",
          Arn: "arn:aws:iam::123456789012:user/rehearsal",
          UserId: "AIDSIMULATED",
        }),
      },
    ],
    clock,
    options.port,
  );
  const aws: SimulatedAws = {
    server,
    clock,
    autoScaling,
    ecs,
    lambda,
    sns,
    ssm,
    faults,
    loadBalancer,
    timeline,
    invocations: [],
    traffic: () => loadBalancer.summary(),
    adoptGroup: (group) => {
      const instances = autoScaling.adoptGroup(group, region);
      for (const instance of instances) registerAgent(instance);
      return instances;
    },
    close: () => server.close(),
  };
  sns.deliver = (functionArn, published) => {
    const fn = [...lambda.functions.values()].find(
      (f) => f.configuration.FunctionArn === functionArn,
    );
    const payload = JSON.stringify(snsEvent(published, clock.now()));
    aws.invocations.push({ functionName: fn?.configuration.FunctionName ?? functionArn, payload });
    if (fn !== undefined) options.runFunction?.(fn, payload, aws);
  };
  return aws;
}

/** The event Lambda receives from an SNS subscription, delivered at `awsTime`. */
export function snsEvent(
  { topicArn, message, subject, attributes }: PublishedMessage,
  awsTime: number,
): SNSEvent {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${topicArn}:subscription`,
        Sns: {
          Type: "Notification",
          MessageId: `msg-${awsTime}`,
          TopicArn: topicArn,
          Subject: subject ?? "",
          Message: message,
          Timestamp: new Date(awsTime).toISOString(),
          MessageAttributes: attributes,
          SignatureVersion: "1",
          Signature: "SIMULATED",
          SigningCertUrl: "",
          UnsubscribeUrl: "",
        },
      },
    ],
  };
}
