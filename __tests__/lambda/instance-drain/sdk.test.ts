import { createAwsClients, MAX_ATTEMPTS } from "../../../lambda/instance-drain/aws-clients";
import { createHandler } from "../../../lambda/instance-drain/handler";
import type { LogEntry } from "../../../lambda/instance-drain/log";
import {
  CLUSTER,
  CONTAINER_INSTANCE_ARN,
  ecsError,
  ecsReply,
  INSTANCE_ID,
  invoke,
  lifecycleMessage,
  NOTIFIED_AT,
  queryError,
  queryReply,
  terminatingWait,
} from "../../../simulation/drain-fixtures";
import { parseWireRequest, type WireReply, type WireRequest } from "../../../simulation/aws/wire";
import { virtualClock } from "../../../simulation/clock";

/**
 * These tests go through the real SDK clients, as the Lambda builds them, down to HTTP: only the
 * request handler is replaced, so retries, error parsing and protocols are the SDK's own.
 */

const drainingWithoutTasks = ecsReply({
  containerInstances: [
    {
      containerInstanceArn: CONTAINER_INSTANCE_ARN,
      status: "DRAINING",
      runningTasksCount: 0,
      pendingTasksCount: 0,
    },
  ],
});
const throttled = ecsError("ThrottlingException", "Rate exceeded");
const listed = ecsReply({ containerInstanceArns: [CONTAINER_INSTANCE_ARN] });
const notListed = ecsReply({ containerInstanceArns: [] });

/** The instance is held by its termination hook and has no tasks, unless a test says otherwise. */
const defaults: Record<string, WireReply> = {
  DescribeAutoScalingInstances: terminatingWait,
  ListTasks: ecsReply({ taskArns: [] }),
};

/** An operation's answer, or its answer to the n-th call (from 1). */
type Answer = WireReply | ((n: number) => WireReply);

/** GIVEN AWS answering per operation; operations not listed succeed with an empty result. */
function setUp(answers: Record<string, Answer>) {
  const requests: WireRequest[] = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string>; body?: unknown }) => {
      // Decode the bytes themselves: the SDK's JSON body adapter warns when used as a string.
      const body =
        request.body instanceof Uint8Array
          ? new TextDecoder().decode(new Uint8Array(request.body))
          : String(request.body ?? "");
      const wire = parseWireRequest(request.headers, body);
      requests.push(wire);
      const n = requests.filter(({ operation }) => operation === wire.operation).length;
      const given =
        answers[wire.operation] ?? defaults[wire.operation] ?? queryReply(wire.operation);
      const answer = typeof given === "function" ? given(n) : given;
      return {
        response: {
          statusCode: answer.statusCode,
          headers: answer.headers,
          body: Buffer.from(answer.body),
        },
      };
    },
  };
  const logs: LogEntry[] = [];
  const handler = createHandler({
    ...createAwsClients({
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
      requestHandler,
    }),
    clock: virtualClock(NOTIFIED_AT + 1000),
    log: (entry) => logs.push(entry),
    env: { CLUSTER_NAME: CLUSTER },
  });
  const operations = () => requests.map(({ operation }) => operation);
  return { handler, logs, requests, operations };
}

/** Runs `work` with fake timers advanced until it settles, so the SDK's backoff costs no time. */
async function withoutBackoffWaits<T>(work: () => Promise<T>): Promise<T> {
  jest.useFakeTimers({ doNotFake: ["nextTick", "queueMicrotask", "setImmediate"] });
  try {
    let settled = false;
    const result = work().finally(() => {
      settled = true;
    });
    result.catch(() => undefined);
    while (!settled) await jest.advanceTimersByTimeAsync(1_000);
    return await result;
  } finally {
    jest.useRealTimers();
  }
}

describe("instance drain handler on the AWS SDK", () => {
  it("carries on when the SDK's standard retry answers a ThrottlingException", async () => {
    const { handler, requests, operations } = setUp({
      ListContainerInstances: (n) => (n === 1 ? throttled : listed),
      DescribeContainerInstances: drainingWithoutTasks,
    });

    await withoutBackoffWaits(() => invoke(handler, lifecycleMessage()));

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      "ListContainerInstances",
      "ListContainerInstances",
      "DescribeContainerInstances",
      "ListTasks",
      "ListTasks",
      "CompleteLifecycleAction",
    ]);
    expect(requests[0].params).toEqual({
      Action: "DescribeAutoScalingInstances",
      Version: "2011-01-01",
      "InstanceIds.member.1": INSTANCE_ID,
    });
    expect(requests[1].params).toEqual({
      cluster: CLUSTER,
      filter: `ec2InstanceId == ${INSTANCE_ID}`,
    });
    expect(requests.at(-1)?.params).toMatchObject({
      LifecycleActionResult: "CONTINUE",
      InstanceId: INSTANCE_ID,
    });
  });

  it("stops retrying after MAX_ATTEMPTS and fails the invocation so Lambda retries it", async () => {
    const { handler, operations } = setUp({ ListContainerInstances: throttled });

    await expect(withoutBackoffWaits(() => invoke(handler, lifecycleMessage()))).rejects.toThrow(
      "Rate exceeded",
    );

    expect(operations()).toEqual([
      "DescribeAutoScalingInstances",
      ...Array(MAX_ATTEMPTS).fill("ListContainerInstances"),
    ]);
  });

  it("recognises Auto Scaling's 'No active Lifecycle Action found' error as already completed", async () => {
    const { handler, logs } = setUp({
      ListContainerInstances: notListed,
      CompleteLifecycleAction: queryError(
        "ValidationError",
        `No active Lifecycle Action found with instance ID ${INSTANCE_ID}`,
      ),
    });

    await expect(invoke(handler, lifecycleMessage())).resolves.toBeUndefined();

    expect(logs).toEqual([expect.objectContaining({ action: "already-complete" })]);
  });

  it("propagates Auto Scaling's other validation errors", async () => {
    const { handler } = setUp({
      ListContainerInstances: notListed,
      CompleteLifecycleAction: queryError("ValidationError", "Unable to find lifecycle hook drain"),
    });

    await expect(invoke(handler, lifecycleMessage())).rejects.toThrow(
      "Unable to find lifecycle hook drain",
    );
  });
});
