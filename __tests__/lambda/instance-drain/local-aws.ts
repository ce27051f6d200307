import {
  autoScalingInstancesReply,
  CONTAINER_INSTANCE_ARN,
  ecsReply,
  queryReply,
} from "../../../simulation/drain-fixtures";
import { startAwsEndpoint, type AwsEndpoint } from "../../../simulation/aws/scripted-endpoint";
import { encodeAnswer, type WireReply, type WireRequest } from "../../../simulation/aws/wire";

/**
 * A small stateful ECS and Auto Scaling behind a local HTTP endpoint, for scenario tests of the
 * exported handler: the notification's instance with tasks that carry their `group` (service or
 * standalone), and the cluster's other instances with their Auto Scaling lifecycle states.
 */

/** A task on the drained instance. */
export interface LocalTask {
  readonly arn: string;
  /** `service:<name>` or `family:<name>`. */
  readonly group: string;
  desired: "RUNNING" | "STOPPED";
  last: "PENDING" | "RUNNING" | "STOPPED";
}

/** Another instance of the cluster: ACTIVE and agent connected, in `state` of a group. */
export interface LocalInstance {
  readonly id: string;
  state: string;
  group: string;
}

export class LocalAws {
  /** Every request, in order. */
  readonly requests: WireRequest[] = [];
  instanceId: string;
  /** The drained instance's group and lifecycle state. */
  group: string;
  lifecycleState = "Terminating:Wait";
  status = "ACTIVE";
  tasks: LocalTask[] = [];
  others: LocalInstance[] = [];
  /** Services whose scheduling strategy is DAEMON; `undefined`: DescribeServices is denied. */
  daemons: string[] | undefined = [];
  /** Called before each answer with the number of earlier requests of that operation. */
  onRequest: (request: WireRequest, n: number) => void = () => undefined;

  constructor(instanceId: string, group: string) {
    this.instanceId = instanceId;
    this.group = group;
  }

  operations(): string[] {
    return this.requests.map(({ operation }) => operation);
  }

  /** The SNS messages published, with their message attributes by name. */
  published(): { message: string; subject?: string; attributes: Record<string, string> }[] {
    return this.requests
      .filter((r) => r.operation === "Publish")
      .map(({ params }) => {
        const attributes: Record<string, string> = {};
        for (let i = 1; params[`MessageAttributes.entry.${i}.Name`] !== undefined; i++) {
          attributes[String(params[`MessageAttributes.entry.${i}.Name`])] = String(
            params[`MessageAttributes.entry.${i}.Value.StringValue`],
          );
        }
        return {
          message: String(params.Message),
          subject: params.Subject === undefined ? undefined : String(params.Subject),
          attributes,
        };
      });
  }

  answer(request: WireRequest): WireReply {
    const n = this.requests.filter((r) => r.operation === request.operation).length;
    this.requests.push(request);
    this.onRequest(request, n);
    const { operation, params } = request;
    switch (operation) {
      case "DescribeAutoScalingInstances":
        return autoScalingInstancesReply(
          Object.entries(params)
            .filter(([key]) => key.startsWith("InstanceIds.member."))
            .flatMap(([, value]) => {
              const id = String(value);
              if (id === this.instanceId) {
                return [{ id, group: this.group, state: this.lifecycleState }];
              }
              const other = this.others.find((o) => o.id === id);
              return other ? [{ id, group: other.group, state: other.state }] : [];
            }),
        );
      case "ListContainerInstances": {
        if (params.filter) return ecsReply({ containerInstanceArns: [CONTAINER_INSTANCE_ARN] });
        const own = this.status === "ACTIVE" ? [CONTAINER_INSTANCE_ARN] : [];
        return ecsReply({ containerInstanceArns: [...own, ...this.others.map((o) => o.id)] });
      }
      case "DescribeContainerInstances":
        return ecsReply({
          containerInstances: (params.containerInstances as string[]).map((arn) =>
            arn === CONTAINER_INSTANCE_ARN
              ? this.view()
              : {
                  containerInstanceArn: arn,
                  ec2InstanceId: arn,
                  status: "ACTIVE",
                  agentConnected: true,
                },
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
            .map((t) => ({
              taskArn: t.arn,
              group: t.group,
              desiredStatus: t.desired,
              lastStatus: t.last,
            })),
        });
      case "DescribeServices":
        if (this.daemons === undefined) {
          return {
            statusCode: 400,
            headers: { "content-type": "application/x-amz-json-1.1" },
            body: JSON.stringify({ __type: "AccessDeniedException", message: "denied" }),
          };
        }
        return ecsReply({
          services: (params.services as string[]).map((serviceName) => ({
            serviceName,
            schedulingStrategy: this.daemons?.includes(serviceName) ? "DAEMON" : "REPLICA",
          })),
        });
      case "Publish":
        return encodeAnswer("sns", operation, { output: { MessageId: "republished" } });
      default:
        return queryReply(operation);
    }
  }

  private view() {
    return {
      containerInstanceArn: CONTAINER_INSTANCE_ARN,
      ec2InstanceId: this.instanceId,
      status: this.status,
      agentConnected: true,
      runningTasksCount: this.tasks.filter((t) => t.desired === "RUNNING").length,
      pendingTasksCount: 0,
    };
  }
}

type Handler = typeof import("../../../lambda/instance-drain/index").handler;

/**
 * The exported handler exactly as Lambda loads it, for one test file: with `environment` and
 * AWS_ENDPOINT_URL pointing at a local endpoint that `current()` answers, set up and torn down
 * by jest's beforeAll/afterAll (which put back exactly the variables they set).
 */
export function handlerAgainstLocalAws(
  environment: Readonly<Record<string, string>>,
  current: () => LocalAws,
): Handler {
  const saved = { ...process.env };
  let endpoint: AwsEndpoint;
  let loaded: Handler;
  beforeAll(async () => {
    endpoint = await serveLocalAws(current);
    Object.assign(process.env, environment, { AWS_ENDPOINT_URL: endpoint.url });
    ({ handler: loaded } = await import("../../../lambda/instance-drain/index"));
  });
  afterAll(async () => {
    for (const name of [...Object.keys(environment), "AWS_ENDPOINT_URL"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await endpoint.close();
  });
  return (event, context) => loaded(event, context);
}

/** Serves whatever `current()` answers on the shared local AWS endpoint. */
export async function serveLocalAws(current: () => LocalAws): Promise<AwsEndpoint> {
  const endpoint = await startAwsEndpoint();
  endpoint.answer = (request) => current().answer(request);
  return endpoint;
}
