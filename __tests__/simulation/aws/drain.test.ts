/**
 * The drain function's handler (lambda/instance-drain/handler.ts, with real SDK clients) against
 * the simulated AWS, on the simulation's clock: it admits launched instances once their agents
 * register, and on a scale-in sets the terminating instance DRAINING, waits while ECS starts
 * the replacement and deregisters the old task, and completes the lifecycle action with
 * CONTINUE only after the task has stopped. Proof that the function and the simulated ECS agree
 * on the API; no request is dropped and no hook times out.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ECSClient } from "@aws-sdk/client-ecs";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { createHandler } from "../../../lambda/instance-drain/handler";
import type { LogEntry } from "../../../lambda/instance-drain/log";
import { snsEvent } from "../../../simulation/aws/simulation";
import {
  clientConfig,
  CLUSTER,
  createGroup,
  groupInstances,
  resize,
  startEcsFixture,
  until,
  type EcsFixture,
} from "./simulation-fixture";

let fixture: EcsFixture;
afterEach(() => fixture.aws.close());

/** Subscribes the handler to `topicArn`: every notification SNS delivers runs it. */
function subscribeDrainFunction(topicArn: string, log: LogEntry[], failures: unknown[]): void {
  const { aws } = fixture;
  const config = clientConfig(aws);
  const handler = createHandler({
    ecs: new ECSClient(config),
    autoScaling: new AutoScalingClient(config),
    sns: new SNSClient(config),
    clock: aws.clock,
    log: (entry) => log.push(entry),
    env: {
      CLUSTER_NAME: CLUSTER,
      POLL_SECONDS: "10",
      MAX_DRAIN_SECONDS: "3600",
      REGISTRATION_TIMEOUT_SECONDS: "600",
    },
  });
  aws.sns.handle({
    operation: "Subscribe",
    params: {
      TopicArn: topicArn,
      Protocol: "lambda",
      Endpoint: "arn:aws:lambda:us-east-1:123456789012:function:drain",
    },
    region: "us-east-1",
    method: "POST",
    path: "/",
  });
  aws.sns.deliver = (_fn, published) => {
    handler(snsEvent(published, aws.clock.now()), {
      getRemainingTimeInMillis: () => 900_000,
    }).catch((error: unknown) => failures.push(error));
  };
}

describe("the drain function against the simulated AWS", () => {
  it("releases a terminating instance with CONTINUE only after ECS has moved its task", async () => {
    fixture = await startEcsFixture({ msPerSecond: 2, registrationSeconds: 20 });
    const { aws } = fixture;
    const topicArn =
      (await new SNSClient(clientConfig(aws)).send(new CreateTopicCommand({ Name: "drain" })))
        .TopicArn ?? "";
    const log: LogEntry[] = [];
    const failures: unknown[] = [];
    subscribeDrainFunction(topicArn, log, failures);
    await createGroup(
      fixture,
      {
        name: "g",
        imageId: "ami-1",
        hooks: { topicArn, heartbeatSeconds: 1200, transitions: ["LAUNCHING", "TERMINATING"] },
      },
      2,
    );
    const events = () => aws.timeline.map((e) => e.event);
    await until(
      "both instances admitted",
      () => events().filter((e) => / InService in g$/.test(e)).length === 2,
      20_000,
    );
    aws.ecs.createService({
      cluster: CLUSTER,
      serviceName: "web",
      desiredCount: 2,
      deregistrationDelaySeconds: 300,
    });
    await until(
      "the service is healthy",
      () => aws.ecs.scheduler.tasks.filter((t) => t.healthStatus === "HEALTHY").length === 2,
      20_000,
    );
    const [, leaving] = await groupInstances(fixture, "g");
    const id = leaving.InstanceId ?? "";
    const oldTask = aws.ecs.scheduler.tasks.find((t) => t.ec2InstanceId === id);

    await resize(fixture, "g", 1);
    await until(
      "the function has released the instance",
      () => log.some((entry) => entry.action === "complete" && entry.instanceId === id),
      30_000,
    );

    expect(failures).toEqual([]);
    const at = (text: string) => aws.timeline.find((e) => e.event.startsWith(text))?.awsTime ?? NaN;
    expect(oldTask?.lastStatus).toBe("STOPPED");
    expect(at(`${id} DRAINING`)).toBeLessThan(at(`${id} terminating: CONTINUE`));
    expect(oldTask?.stoppedAt).toBeLessThanOrEqual(at(`${id} terminating: CONTINUE`));
    expect(events().some((e) => / timed out: /.test(e))).toBe(false);
    expect(events()).toContain(`${id} terminated`);
    const [traffic] = aws.traffic();
    expect(traffic).toMatchObject({ dropped: 0, minHealthy: 2, desired: 2 });
  }, 60_000);
});
