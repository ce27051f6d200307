import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "aws-lambda";
import {
  CLUSTER,
  CONTAINER_INSTANCE_ARN,
  ecsReply,
  INSTANCE_ID,
  lifecycleMessage,
  parseWireRequest,
  queryError,
  queryReply,
  snsEvent,
  type WireReply,
  type WireRequest,
} from "./instance-drain.fixtures";

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

let server: Server;
let requests: WireRequest[];
let reply: (request: WireRequest) => WireReply;
let handler: typeof import("../lambda/instance-drain/index").handler;
const savedEnvironment = { ...process.env };

/** Puts back exactly the variables this file set, leaving the rest of `process.env` alone. */
function restoreEnvironment() {
  for (const name of [...Object.keys(ENVIRONMENT), "AWS_ENDPOINT_URL"]) {
    if (savedEnvironment[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnvironment[name];
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const wire = parseWireRequest(request.headers, Buffer.concat(chunks).toString());
      requests.push(wire);
      const answer = reply(wire);
      response.writeHead(answer.statusCode, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(process.env, ENVIRONMENT, { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
  ({ handler } = await import("../lambda/instance-drain/index"));
});

afterAll(async () => {
  restoreEnvironment();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests = [];
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

describe("instance drain handler (index.ts)", () => {
  it("drains through AWS_ENDPOINT_URL and writes one JSON line per decision", async () => {
    reply = (request) => {
      if (request.operation === "ListContainerInstances") {
        return ecsReply({ containerInstanceArns: [CONTAINER_INSTANCE_ARN] });
      }
      if (request.operation === "DescribeContainerInstances") {
        return ecsReply({
          containerInstances: [{ status: "DRAINING", runningTasksCount: 0, pendingTasksCount: 0 }],
        });
      }
      return queryReply(request.operation);
    };

    await handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context);

    expect(requests.map(({ operation }) => operation)).toEqual([
      "ListContainerInstances",
      "DescribeContainerInstances",
      "CompleteLifecycleAction",
    ]);
    expect(requests[2].params).toMatchObject({ InstanceId: INSTANCE_ID });
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
    reply = (request) =>
      request.operation === "ListContainerInstances"
        ? ecsReply({ containerInstanceArns: [] })
        : queryError("ValidationError", `No active Lifecycle Action found with ${INSTANCE_ID}`);

    await expect(
      handler(snsEvent(lifecycleMessage({ Time: new Date().toISOString() })), context),
    ).resolves.toBeUndefined();

    expect(requests.map(({ operation }) => operation)).toEqual([
      "ListContainerInstances",
      "CompleteLifecycleAction",
    ]);
  });
});
