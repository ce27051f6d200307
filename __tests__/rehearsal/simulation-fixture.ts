/**
 * A simulated AWS for the simulation's own tests, on a fast clock (one AWS second per real
 * millisecond by default): SDK client settings for its endpoint, a cluster, instances registered
 * straight with ECS (no Auto Scaling group), and a wait for a condition of the simulation.
 */
import { CreateClusterCommand, ECSClient } from "@aws-sdk/client-ecs";
import { awsClock } from "./simulated-aws/clock";
import {
  startSimulation,
  type SimulatedAws,
  type SimulationOptions,
} from "./simulated-aws/simulation";

export const CLUSTER = "apps";

export interface EcsFixture {
  readonly aws: SimulatedAws;
  readonly ecs: ECSClient;
  /** Registers an EC2 instance with the cluster, as its agent would. */
  register(ec2InstanceId: string, availabilityZone: string, imageId?: string): string;
}

export function clientConfig(aws: SimulatedAws, maxAttempts = 3) {
  return {
    endpoint: aws.server.url,
    region: "us-east-1",
    credentials: { accessKeyId: "offline", secretAccessKey: "offline" },
    maxAttempts,
  };
}

export async function startEcsFixture(
  options: Partial<SimulationOptions> & { msPerSecond?: number } = {},
): Promise<EcsFixture> {
  const aws = await startSimulation({
    registrationSeconds: 10,
    clock: awsClock(options.msPerSecond ?? 1),
    ...options,
  });
  const ecs = new ECSClient(clientConfig(aws));
  await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
  return {
    aws,
    ecs,
    register: (ec2InstanceId, availabilityZone, imageId = "ami-current") =>
      aws.ecs.register({
        cluster: CLUSTER,
        ec2InstanceId,
        region: "us-east-1",
        availabilityZone,
        instanceType: "t3.large",
        imageId,
      }).containerInstanceArn,
  };
}

/** Waits (real time) until `condition` holds; fails naming `what` after `ms`. */
export async function until(what: string, condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Lets `awsSeconds` of AWS time pass. */
export async function awsSecondsPass(aws: SimulatedAws, awsSeconds: number): Promise<void> {
  const target = aws.clock.now() + awsSeconds * 1000;
  await until(`${awsSeconds} AWS seconds`, () => aws.clock.now() >= target, 60_000);
}
