import type { Context } from "aws-lambda";
import {
  ASG_NAME,
  INSTANCE_ID,
  lifecycleMessage,
  snsEvent,
} from "../../../simulation/drain-fixtures";
import { handlerAgainstLocalAws, LocalAws, type LocalTask } from "./local-aws";

/**
 * Issue 16 §1 and §2, as scenarios of the exported handler against a local AWS endpoint (real
 * SDK clients, real wire protocols, real time with a 0.2 s drain timeout and 20 ms polls):
 * what happens at the drain deadline to the tasks of a service and to standalone tasks, and
 * which new instances count as somewhere to drain to.
 */

const ENVIRONMENT: Record<string, string> = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local",
  CLUSTER_NAME: "apps-staging",
  POLL_SECONDS: "0.02",
  MAX_DRAIN_SECONDS: "0.2",
};
let aws: LocalAws;
const handler = handlerAgainstLocalAws(ENVIRONMENT, () => aws);

let lines: Record<string, unknown>[];
beforeEach(() => {
  aws = new LocalAws(INSTANCE_ID, ASG_NAME);
  aws.others = [{ id: "i-0fedcba9876543210", state: "InService", group: "apps-staging-new" }];
  lines = [];
  const collect = (line?: unknown) => {
    lines.push(JSON.parse(String(line)));
  };
  jest.spyOn(console, "log").mockImplementation(collect);
  jest.spyOn(console, "warn").mockImplementation(collect);
  jest.spyOn(console, "error").mockImplementation(collect);
});
afterEach(() => jest.restoreAllMocks());

/** An invocation with `ms` of work before the 60 s it keeps for its hand-off. */
const context = (ms: number) =>
  ({ getRemainingTimeInMillis: () => 60_000 + ms }) as unknown as Context;

const task = (name: string, group: string, desired: LocalTask["desired"] = "RUNNING") => ({
  arn: `arn:aws:ecs:us-east-1:123456789012:task/apps-staging/${name}`,
  group,
  desired,
  last: "RUNNING" as LocalTask["last"],
});
/** The event Lambda delivers for a published message, attributes as SNS passes them on. */
function delivered({
  message,
  attributes,
}: {
  message: string;
  attributes: Record<string, string>;
}) {
  const event = snsEvent(message);
  event.Records[0].Sns.MessageAttributes = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { Type: "Number", Value: value }]),
  );
  return event;
}
const completions = () => aws.requests.filter((r) => r.operation === "CompleteLifecycleAction");
const logged = (action: string) => lines.filter((line) => line.action === action);

describe("instance drain at the drain deadline (issue 16 §1)", () => {
  it("keeps an instance whose service still wants a task RUNNING at the deadline: drain-blocked naming the service, alarm, heartbeat and hand-off", async () => {
    // GIVEN a DRAINING instance where ECS found no healthy place for web's replacement
    aws.status = "DRAINING";
    aws.tasks = [task("web1", "service:web"), task("api1", "service:api")];

    // WHEN an invocation runs well past the 0.2 s bound
    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(800));

    // THEN the instance is kept, the hook kept alive and the chain handed on
    expect(completions()).toHaveLength(0);
    expect(aws.operations()).toContain("RecordLifecycleActionHeartbeat");
    const published = aws.published();
    const alarms = published.filter(({ message }) => message.includes("DrainBlocked"));
    expect(alarms).toHaveLength(1);
    expect(JSON.parse(alarms[0].message).DrainBlocked.reason).toMatch(
      /service\(s\) api, web still want 2 task\(s\) RUNNING here/,
    );
    const handOffs = published.filter(({ message }) => !message.includes("DrainBlocked"));
    expect(handOffs).toHaveLength(1);
    expect(handOffs[0].attributes).toEqual({
      drainingSince: expect.stringMatching(/^\d+$/),
      heldUntil: expect.stringMatching(/^\d+$/),
    });
    expect(logged("drain-blocked")).toEqual([
      expect.objectContaining({ level: "error", services: ["api", "web"], tasksLeft: 2 }),
    ]);
    expect(aws.operations().at(-1)).toBe("Publish");
  });

  it("releases a held instance once the service's tasks have moved, in a later invocation", async () => {
    aws.status = "DRAINING";
    aws.tasks = [task("web1", "service:web")];
    const message = lifecycleMessage({ Time: new Date().toISOString() });
    await handler(snsEvent(message), context(400));
    expect(completions()).toHaveLength(0);

    // The replacement is healthy elsewhere: ECS stops the old task.
    aws.tasks = [{ ...task("web1", "service:web", "STOPPED"), last: "STOPPED" }];
    const [handOff] = aws.published().filter((p) => !p.message.includes("DrainBlocked"));
    await handler(delivered(handOff), context(400));

    expect(completions()).toHaveLength(1);
    expect(completions()[0].params).toMatchObject({
      InstanceId: INSTANCE_ID,
      LifecycleActionResult: "CONTINUE",
    });
  });

  it("after a hold, waits for the service's stopping task to reach STOPPED (its deregistration delay) before releasing", async () => {
    aws.status = "DRAINING";
    aws.tasks = [task("web1", "service:web")];
    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(400));

    // The replacement is healthy: ECS stops the old task, which still serves (last RUNNING).
    aws.tasks = [task("web1", "service:web", "STOPPED")];
    const [first] = aws.published().filter((p) => !p.message.includes("DrainBlocked"));
    expect(first.attributes.heldUntil).toMatch(/^\d+$/);
    // The next invocation, well past the bound from DRAINING, the hold having just ended. (Times
    // set here rather than raced against a 0.2 s bound, so a busy machine cannot flip it.)
    process.env.MAX_DRAIN_SECONDS = "5";
    const now = Date.now();
    await handler(
      delivered({
        message: first.message,
        attributes: { drainingSince: String(now - 60_000), heldUntil: String(now) },
      }),
      context(100),
    ).finally(() => (process.env.MAX_DRAIN_SECONDS = ENVIRONMENT.MAX_DRAIN_SECONDS));
    expect(completions()).toHaveLength(0);
    expect(logged("wait-after-hold")).toEqual([
      expect.objectContaining({ level: "info", tasksLeft: 1 }),
    ]);
    // No new alarm: this is no longer a blocked drain.
    expect(aws.published().filter((p) => p.message.includes("DrainBlocked"))).toHaveLength(1);

    // The task has reached STOPPED by the next invocation: released at its first look.
    aws.tasks[0].last = "STOPPED";
    const second = aws.published().filter((p) => !p.message.includes("DrainBlocked"));
    await handler(delivered(second.at(-1) as (typeof second)[number]), context(2000));
    expect(completions()).toHaveLength(1);
    expect(logged("complete").at(-1)).toMatchObject({ level: "info", tasksLeft: 0 });
  });

  it("releases standalone tasks at the deadline with a log line naming them, and keeps nothing", async () => {
    aws.status = "DRAINING";
    aws.tasks = [task("report1", "family:nightly-report")];

    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(2000));

    expect(completions()).toHaveLength(1);
    expect(logged("drain-blocked")).toHaveLength(0);
    const [standalone] = logged("release-standalone");
    expect(standalone).toMatchObject({
      level: "warn",
      tasks: ["arn:aws:ecs:us-east-1:123456789012:task/apps-staging/report1"],
      groups: ["family:nightly-report"],
    });
    expect(String(standalone.message)).toMatch(/report1 \(family:nightly-report\)/);
    expect(logged("complete")).toEqual([expect.objectContaining({ level: "warn", tasksLeft: 1 })]);
  });

  it("does not hold for a daemon service (ECS stops its task last), releasing with the standalone task", async () => {
    aws.status = "DRAINING";
    aws.daemons = ["log-agent"];
    aws.tasks = [task("report1", "family:nightly-report"), task("agent1", "service:log-agent")];

    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(2000));

    expect(completions()).toHaveLength(1);
    expect(logged("drain-blocked")).toHaveLength(0);
    expect(aws.requests.find((r) => r.operation === "DescribeServices")?.params).toMatchObject({
      cluster: "apps-staging",
      services: ["log-agent"],
    });
  });

  it("holds when ECS will not say whether a service is a daemon (DescribeServices denied)", async () => {
    aws.status = "DRAINING";
    aws.daemons = undefined;
    aws.tasks = [task("web1", "service:web")];

    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(400));

    expect(completions()).toHaveLength(0);
    expect(logged("drain-blocked")).toEqual([expect.objectContaining({ services: ["web"] })]);
  });

  it("holds for the service and names only it when service and standalone tasks are both left", async () => {
    aws.status = "DRAINING";
    aws.tasks = [task("report1", "family:nightly-report"), task("web1", "service:web")];

    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(400));

    expect(completions()).toHaveLength(0);
    expect(logged("drain-blocked")).toEqual([expect.objectContaining({ services: ["web"] })]);
  });
});

describe("what counts as capacity to drain into (issue 16 §2)", () => {
  it("does not drain into a registered instance still held in Pending:Wait, and drains once it is InService", async () => {
    aws.lifecycleState = "Terminating:Wait";
    aws.tasks = [task("web1", "service:web")];
    aws.others = [{ id: "i-0fedcba9876543210", state: "Pending:Wait", group: "apps-staging-new" }];
    // Once DRAINING, ECS moves the task at once.
    aws.onRequest = (request, n) => {
      const capacityCheck =
        request.operation === "ListContainerInstances" && !request.params.filter;
      if (capacityCheck && n === 3) aws.others[0].state = "InService";
      if (request.operation === "UpdateContainerInstancesState") {
        aws.tasks = [{ ...task("web1", "service:web", "STOPPED"), last: "STOPPED" }];
      }
    };
    process.env.MAX_DRAIN_SECONDS = "30";
    try {
      await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context(2000));
    } finally {
      process.env.MAX_DRAIN_SECONDS = ENVIRONMENT.MAX_DRAIN_SECONDS;
    }

    const ops = aws.operations();
    const drainingAt = ops.indexOf("UpdateContainerInstancesState");
    const capacityChecks = aws.requests
      .slice(0, drainingAt)
      .filter((r) => r.operation === "ListContainerInstances" && !r.params.filter);
    // Two looks found only the Pending:Wait instance; the third found it InService.
    expect(capacityChecks).toHaveLength(3);
    expect(logged("wait-for-capacity")).toHaveLength(1);
    expect(completions()).toHaveLength(1);
  });
});
