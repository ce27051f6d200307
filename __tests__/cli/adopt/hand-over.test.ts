import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  startAwsEndpoint,
  type AwsEndpoint,
  type AwsRequest,
} from "../../../simulation/aws/scripted-endpoint";
import type { AwsAnswer } from "../../../simulation/aws/wire";
import { cli, copyOfStages } from "../support";

/**
 * Issue 16 §6: `adopt hand-over <stage>` against a scripted Auto Scaling (and SNS) endpoint:
 * the imported group of the old HCL state, whose termination hook notifies the old
 * CloudFormation topic, is pointed at this stack's topic and hook role.
 */

// A run synthesizes the stacks in a subprocess (about a second on a busy machine); the same
// stages and imports are synthesized once.
jest.setTimeout(60_000);
jest.mock("../../../ops/change-guard/synthesize", () =>
  jest.requireActual("../../support/memoized-synthesize").memoizedSynthesizeModule(),
);

const ACCOUNT = "111122223333";
const OLD_GROUP = "AppsStaging-20250915143022117800000001";
const OLD_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:ecs-drain-lifecycle-LifecycleTopic-1A2B3C4D5E6F`;
const OLD_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs-drain-lifecycle-HookRole-7G8H9I0J`;
const NEW_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:AppsStaging-instance-drain`;
const NEW_ROLE = `arn:aws:iam::${ACCOUNT}:role/AppsStaging-lifecycle-hook`;

/** The scripted account: the old group with its hook, and this stack's topic. */
class ScriptedAccount {
  requests: AwsRequest[] = [];
  hook = {
    LifecycleHookName: "AppsStaging-drain",
    AutoScalingGroupName: OLD_GROUP,
    LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    NotificationTargetARN: OLD_TOPIC,
    RoleARN: OLD_ROLE,
    HeartbeatTimeout: "900",
    DefaultResult: "CONTINUE",
  } as Record<string, string>;
  instanceStates = ["InService", "InService"];
  topicExists = true;
  subscribed = true;

  answer(request: AwsRequest): AwsAnswer {
    this.requests.push(request);
    const { operation, params } = request;
    switch (operation) {
      case "DescribeAutoScalingGroups":
        return {
          output: {
            AutoScalingGroups: [
              {
                AutoScalingGroupName: OLD_GROUP,
                AutoScalingGroupARN: `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:7d3e2b1a:autoScalingGroupName/${OLD_GROUP}`,
                Instances: this.instanceStates.map((state, i) => ({
                  InstanceId: `i-0old00000000000${i}`,
                  LifecycleState: state,
                })),
              },
            ],
          },
        };
      case "DescribeLifecycleHooks":
        return { output: { LifecycleHooks: [this.hook] } };
      case "PutLifecycleHook":
        for (const key of [
          "NotificationTargetARN",
          "RoleARN",
          "HeartbeatTimeout",
          "DefaultResult",
          "NotificationMetadata",
        ]) {
          if (params[key] !== undefined) this.hook[key] = String(params[key]);
        }
        return { output: {} };
      case "GetTopicAttributes":
        return this.topicExists
          ? { output: { Attributes: [] } }
          : { error: "NotFound", message: "Topic does not exist" };
      case "ListSubscriptionsByTopic":
        return {
          output: {
            Subscriptions: this.subscribed
              ? [
                  {
                    Protocol: "lambda",
                    Endpoint: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:AppsStaging-instance-drain`,
                    TopicArn: NEW_TOPIC,
                  },
                ]
              : [],
          },
        };
      default:
        return { error: "InvalidAction", message: operation };
    }
  }

  operations() {
    return this.requests.map((r) => r.operation);
  }
}

let account: ScriptedAccount;
let endpoint: AwsEndpoint;
const saved = { ...process.env };
const VARIABLES = ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

beforeAll(async () => {
  endpoint = await startAwsEndpoint();
  endpoint.answer = (request) => account.answer(request);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local",
  });
});
afterAll(async () => {
  for (const name of VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await endpoint.close();
});
beforeEach(() => {
  account = new ScriptedAccount();
});

/** A stages file with the live names and, beside it, the imports `adopt --write` wrote. */
function adoptedStages({ withImports = true } = {}) {
  const stagesFile = copyOfStages((stages) => {
    stages.staging.clusterName = "AppsStaging";
    stages.production.clusterName = "AppsProd";
  });
  const dir = dirname(stagesFile);
  if (withImports) {
    mkdirSync(join(dir, "imports"));
    writeFileSync(
      join(dir, "imports", "staging.json"),
      JSON.stringify({
        source: "old.tfstate (module.staging_cluster)",
        imports: [{ to: "aws_autoscaling_group.instances", id: OLD_GROUP }],
      }),
    );
  }
  return stagesFile;
}

const UNDO =
  `  aws autoscaling put-lifecycle-hook --region us-east-1 --auto-scaling-group-name ${OLD_GROUP}` +
  ` --lifecycle-hook-name AppsStaging-drain --lifecycle-transition autoscaling:EC2_INSTANCE_TERMINATING` +
  ` --notification-target-arn ${OLD_TOPIC} --role-arn ${OLD_ROLE} --heartbeat-timeout 900 --default-result CONTINUE`;

describe("adopt hand-over", () => {
  it("shows the change and how to undo it, and changes nothing without --apply", async () => {
    const result = await cli("adopt hand-over staging", { stagesFile: adoptedStages() });

    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout.split("\n")).toEqual([
      `staging: termination hook AppsStaging-drain of ${OLD_GROUP} (dry run)`,
      `  now:   notifies ${OLD_TOPIC} as ${OLD_ROLE}, heartbeat 900 s, default CONTINUE`,
      `  after: notifies ${NEW_TOPIC} as ${NEW_ROLE}, heartbeat 1200 s, default CONTINUE, metadata {"cluster":"AppsStaging"}`,
      `checked: ${OLD_GROUP} is inside the drain function's IAM scope (AppsStaging-*), no instance of it is terminating, AppsStaging-instance-drain is subscribed to the drain topic`,
      "nothing changed; --apply changes the hook (one PutLifecycleHook, nothing else)",
      "to undo it (before the rollout deletes the group):",
      UNDO,
      "",
    ]);
    expect(account.operations()).not.toContain("PutLifecycleHook");
  });

  it("with --apply, points the same hook at this stack's topic and role in one PutLifecycleHook", async () => {
    const result = await cli("adopt hand-over staging --apply", { stagesFile: adoptedStages() });

    expect(result).toMatchObject({ code: 0, stderr: "" });
    const puts = account.requests.filter((r) => r.operation === "PutLifecycleHook");
    expect(puts.map((r) => r.params)).toEqual([
      expect.objectContaining({
        AutoScalingGroupName: OLD_GROUP,
        LifecycleHookName: "AppsStaging-drain",
        LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
        NotificationTargetARN: NEW_TOPIC,
        RoleARN: NEW_ROLE,
        HeartbeatTimeout: "1200",
        DefaultResult: "CONTINUE",
        NotificationMetadata: '{"cluster":"AppsStaging"}',
      }),
    ]);
    // Nothing but reads around the one change.
    expect(
      account
        .operations()
        .filter(
          (op) => !op.startsWith("Describe") && !op.startsWith("Get") && !op.startsWith("List"),
        ),
    ).toEqual(["PutLifecycleHook"]);
    expect(result.stdout).toMatch(
      /^handed over: the old instances now drain through AppsStaging-instance-drain/m,
    );
    expect(result.stdout).toContain(UNDO);

    // Run again: it says so and changes nothing.
    account.requests = [];
    const again = await cli("adopt hand-over staging --apply", { stagesFile: adoptedStages() });
    expect(again.stdout).toMatch(/\(already handed over\)/);
    expect(account.operations()).not.toContain("PutLifecycleHook");
  });

  test.each<[string, (a: ScriptedAccount) => void, string, RegExp]>([
    [
      "the drain topic does not exist yet",
      (a) => (a.topicExists = false),
      "",
      /^error: arn:aws:sns:us-east-1:111122223333:AppsStaging-instance-drain: this stack's drain topic does not exist yet; apply the drain machinery first \(docs\/adopting\.md\)$/,
    ],
    [
      "the drain function is not subscribed",
      (a) => (a.subscribed = false),
      "",
      /^error: .*: the drain function AppsStaging-instance-drain is not subscribed to it yet; apply the drain machinery first/,
    ],
    [
      "an instance is terminating under the old hook",
      (a) => (a.instanceStates = ["InService", "Terminating:Wait"]),
      "",
      /^error: AppsStaging-2025\d+: instance i-0old000000000001 is Terminating:Wait under the current hook; hand over once no instance of the group is terminating$/,
    ],
    [
      "a group outside the function's IAM scope",
      () => undefined,
      " --group apps-old-group",
      /^error: apps-old-group: the drain function may complete lifecycle actions only on groups named AppsStaging-\* \(its IAM policy\)/,
    ],
  ])("refuses when %s, with one line and nothing changed", async (_case, arrange, extra, line) => {
    arrange(account);
    const result = await cli(`adopt hand-over staging --apply${extra}`, {
      stagesFile: adoptedStages(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(line)]);
    expect(account.operations()).not.toContain("PutLifecycleHook");
  });

  it("needs the imports file (or --group) to know the old group", async () => {
    const result = await cli("adopt hand-over staging", {
      stagesFile: adoptedStages({ withImports: false }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: .*imports\/staging\.json: no import of aws_autoscaling_group\.instances to name the old group; run adopt staging --from <state> --write first, or pass --group\n$/,
    );
    expect(account.requests).toEqual([]);
  });

  it("leaves adopt <stage> --from as it was", async () => {
    const result = await cli("adopt staging", { stagesFile: adoptedStages() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--from/);
  });
});
