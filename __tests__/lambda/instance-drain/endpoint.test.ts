import type { Context } from "aws-lambda";
import { startAwsEndpoint, type AwsEndpoint } from "../../../simulation/aws/scripted-endpoint";
import type { WireReply, WireRequest } from "../../../simulation/aws/wire";
import {
  ASG_NAME,
  autoScalingInstancesReply,
  CLUSTER,
  CONTAINER_INSTANCE_ARN,
  ecsError,
  ecsReply,
  INSTANCE_ID,
  lifecycleMessage,
  queryError,
  queryReply,
  snsEvent,
} from "../../../simulation/drain-fixtures";

/**
 * The exported handler exactly as Lambda loads it, pointed at a local AWS endpoint by
 * environment variables alone: nothing in the code names a region or an endpoint.
 */

const ENVIRONMENT = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDLOCAL",
  AWS_SECRET_ACCESS_KEY: "local",
  CLUSTER_NAME: CLUSTER,
};

let endpoint: AwsEndpoint;
let handler: typeof import("../../../lambda/instance-drain/index").handler;
const savedEnvironment = { ...process.env };

/** Puts back exactly the variables this file set, leaving the rest of `process.env` alone. */
function restoreEnvironment() {
  for (const name of [...Object.keys(ENVIRONMENT), "AWS_ENDPOINT_URL"]) {
    if (savedEnvironment[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnvironment[name];
  }
}

beforeAll(async () => {
  endpoint = await startAwsEndpoint();
  Object.assign(process.env, ENVIRONMENT, { AWS_ENDPOINT_URL: endpoint.url });
  ({ handler } = await import("../../../lambda/instance-drain/index"));
});

afterAll(async () => {
  restoreEnvironment();
  await endpoint.close();
});

beforeEach(() => {
  endpoint.requests.length = 0;
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

const context: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: "apps-staging-instance-drain",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:apps-staging-instance-drain",
  memoryLimitInMB: "128",
  awsRequestId: "8f5c2a4e-0000-4000-8000-000000000000",
  logGroupName: "/aws/lambda/apps-staging-instance-drain",
  logStreamName: "2025/06/01/[$LATEST]0000",
  getRemainingTimeInMillis: () => 900_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/**
 * A small stateful AWS behind the endpoint: the notification's instance, its tasks and the
 * cluster's other instances, as ECS and Auto Scaling answer about them on the wire.
 */
class LocalAws {
  registered = true;
  status = "ACTIVE";
  agentConnected = true;
  lifecycleState = "Terminating:Wait";
  clusterExists = true;
  /** Tasks on the instance: desired and last status. */
  tasks: { arn: string; desired: string; last: string }[] = [];
  others: { id: string; state: string }[] = [{ id: "i-0fedcba9876543210", state: "InService" }];
  /** Called before each answer, so a scenario can move the world on. */
  onRequest: (request: WireRequest, n: number) => void = () => undefined;

  answer(request: WireRequest): WireReply {
    this.onRequest(
      request,
      endpoint.requests.filter((r) => r.operation === request.operation).length,
    );
    const { operation, params } = request;
    const ecsOperation = operation !== undefined && !("Action" in params);
    if (ecsOperation && !this.clusterExists) {
      return ecsError("ClusterNotFoundException", "Cluster not found.");
    }
    switch (operation) {
      case "DescribeAutoScalingInstances":
        return autoScalingInstancesReply(
          Object.entries(params)
            .filter(([key]) => key.startsWith("InstanceIds.member."))
            .flatMap(([, value]) => {
              const id = String(value);
              if (id === INSTANCE_ID) return [{ id, group: ASG_NAME, state: this.lifecycleState }];
              const other = this.others.find((o) => o.id === id);
              return other ? [{ id, group: "apps-staging-new", state: other.state }] : [];
            }),
        );
      case "ListContainerInstances": {
        if (params.filter) {
          return ecsReply({
            containerInstanceArns: this.registered ? [CONTAINER_INSTANCE_ARN] : [],
          });
        }
        const own = this.registered && this.status === "ACTIVE" ? [CONTAINER_INSTANCE_ARN] : [];
        return ecsReply({ containerInstanceArns: [...own, ...this.others.map((o) => o.id)] });
      }
      case "DescribeContainerInstances":
        return ecsReply({
          containerInstances: (params.containerInstances as string[]).map((arn) =>
            arn === CONTAINER_INSTANCE_ARN ? this.view() : this.otherView(arn),
          ),
        });
      case "UpdateContainerInstancesState":
        this.status = "DRAINING";
        return ecsReply({ containerInstances: [this.view()] });
      case "ListTasks":
        return ecsReply({
          taskArns: this.tasks.filter((t) => t.desired === params.desiredStatus).map((t) => t.arn),
        });
      case "DescribeTasks":
        return ecsReply({
          tasks: this.tasks
            .filter((t) => (params.tasks as string[]).includes(t.arn))
            .map((t) => ({ taskArn: t.arn, desiredStatus: t.desired, lastStatus: t.last })),
        });
      default:
        return queryReply(operation);
    }
  }

  private view() {
    const scheduled = this.tasks.filter((t) => t.desired === "RUNNING").length;
    return {
      containerInstanceArn: CONTAINER_INSTANCE_ARN,
      ec2InstanceId: INSTANCE_ID,
      status: this.status,
      agentConnected: this.agentConnected,
      runningTasksCount: scheduled,
      pendingTasksCount: 0,
    };
  }

  private otherView(id: string) {
    return { containerInstanceArn: id, ec2InstanceId: id, status: "ACTIVE", agentConnected: true };
  }
}

let aws: LocalAws;
beforeEach(() => {
  aws = new LocalAws();
  endpoint.answer = (request) => aws.answer(request);
  process.env.POLL_SECONDS = "0.02";
});
afterEach(() => {
  delete process.env.POLL_SECONDS;
});

const now = () => new Date().toISOString();
const operations = () => endpoint.requests.map(({ operation }) => operation);
const task = (desired: string, last: string) => ({
  arn: "arn:aws:ecs:us-east-1:123456789012:task/apps-staging/web1",
  desired,
  last,
});

describe("instance drain handler (index.ts)", () => {
  it("drains through AWS_ENDPOINT_URL and writes one JSON line per decision", async () => {
    aws.status = "DRAINING";

    await handler(snsEvent(lifecycleMessage({ Time: now() })), context);

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "DescribeContainerInstances",
      "ListTasks",
      "ListTasks",
      "CompleteLifecycleAction",
    ]);
    expect(endpoint.requests.at(-1)?.params).toMatchObject({ InstanceId: INSTANCE_ID });
    const lines = jest.mocked(console.log).mock.calls.map(([line]) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        action: "complete",
        instanceId: INSTANCE_ID,
        cluster: CLUSTER,
        tasksLeft: 0,
      }),
    ]);
  });

  it("treats a completion that Auto Scaling no longer knows as done", async () => {
    aws.registered = false;
    const answer = endpoint.answer;
    endpoint.answer = (request) =>
      request.operation === "CompleteLifecycleAction"
        ? queryError("ValidationError", `No active Lifecycle Action found with ${INSTANCE_ID}`)
        : answer(request);

    await expect(
      handler(snsEvent(lifecycleMessage({ Time: now() })), context),
    ).resolves.toBeUndefined();

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "CompleteLifecycleAction",
    ]);
  });

  it("keeps an instance whose task has desired status STOPPED until its last status is STOPPED", async () => {
    aws.status = "DRAINING";
    aws.tasks = [task("STOPPED", "RUNNING")];
    aws.onRequest = (request, n) => {
      if (request.operation === "DescribeTasks" && n === 4)
        aws.tasks = [task("STOPPED", "STOPPED")];
    };

    await handler(snsEvent(lifecycleMessage({ Time: now() })), context);

    const describeTasks = operations().filter((op) => op === "DescribeTasks").length;
    expect(describeTasks).toBeGreaterThanOrEqual(4);
    expect(operations().at(-1)).toBe("CompleteLifecycleAction");
    expect(operations().indexOf("CompleteLifecycleAction")).toBeGreaterThan(
      operations().lastIndexOf("DescribeTasks"),
    );
  });

  it("does not drain while the only other instance is terminating, and drains once a new one registers", async () => {
    aws.tasks = [task("RUNNING", "RUNNING")];
    aws.others = [{ id: "i-0aaaaaaaaaaaaaaa1", state: "Terminating:Wait" }];
    aws.onRequest = (request, n) => {
      // n counts the look-up of the instance itself too: two capacity checks find nothing, then
      // a new instance is ACTIVE and InService.
      if (request.operation === "ListContainerInstances" && !request.params.filter && n === 4) {
        aws.others.push({ id: "i-0fedcba9876543210", state: "InService" });
      }
      // Once DRAINING, ECS moves the task: stopped at once.
      if (request.operation === "UpdateContainerInstancesState") aws.tasks = [];
    };

    await handler(snsEvent(lifecycleMessage({ Time: now() })), context);

    const capacityChecks = endpoint.requests.filter(
      (r) => r.operation === "ListContainerInstances" && !r.params.filter,
    ).length;
    expect(capacityChecks).toBe(3);
    expect(operations().filter((op) => op === "UpdateContainerInstancesState")).toHaveLength(1);
    expect(operations().at(-1)).toBe("CompleteLifecycleAction");
  });

  it("completes a launch notification only after registration, and never drains", async () => {
    aws.lifecycleState = "Pending:Wait";
    aws.registered = false;
    aws.onRequest = (request, n) => {
      if (request.operation === "ListContainerInstances" && n === 3) aws.registered = true;
    };
    const launching = lifecycleMessage({
      Time: now(),
      LifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING",
    });

    await handler(snsEvent(launching), context);

    expect(operations().filter((op) => op === "ListContainerInstances")).toHaveLength(3);
    expect(operations()).not.toContain("UpdateContainerInstancesState");
    expect(operations().at(-1)).toBe("CompleteLifecycleAction");
    expect(endpoint.requests.at(-1)?.params).toMatchObject({ LifecycleActionResult: "CONTINUE" });
  });

  it("drains nothing for a forged notification (instance not in Terminating:Wait)", async () => {
    aws.lifecycleState = "InService";
    jest.spyOn(console, "warn").mockImplementation(() => undefined);

    await handler(snsEvent(lifecycleMessage({ Time: now() })), context);

    expect(operations()).toEqual(["DescribeAutoScalingInstances"]);
  });

  it("completes when ECS answers ClusterNotFoundException", async () => {
    aws.clusterExists = false;

    await handler(snsEvent(lifecycleMessage({ Time: now() })), context);

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "CompleteLifecycleAction",
    ]);
    expect(endpoint.requests.at(-1)?.params).toMatchObject({ LifecycleActionResult: "CONTINUE" });
  });
});
