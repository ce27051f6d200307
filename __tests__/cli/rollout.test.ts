import "aws-sdk-client-mock-jest";
import {
  AccessDeniedException,
  DescribeClustersCommand,
  ListContainerInstancesCommand,
} from "@aws-sdk/client-ecs";
import { sceneAnswer } from "./cluster-scene";
import type { Scene } from "./cluster-scene";
import { NEW_ASG, OLD_ASG, ROLLOUT } from "./scenes";
import { mockScene } from "./scene-mocks";
import { virtualClock } from "../../simulation/clock";
import { cli, copyOfStages, START, withoutAnsi } from "./support";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

const OLD = COMMITTED_AMI;

let step = 0;
let scenes: Scene[] = ROLLOUT;
const aws = mockScene(() => scenes[Math.min(step, scenes.length - 1)]);
/** A clock whose every sleep moves the cluster on to its next scene. */
const clock = () => virtualClock(START, { onSleep: (sleeps) => (step = sleeps) });

let stages: string;
beforeEach(async () => {
  step = 0;
  scenes = ROLLOUT;
  aws.reset();
  stages = copyOfStages();
  await cli(`ami set staging ${NEW_AMI} --offline`, { stagesFile: stages });
});

describe("rollout watch", () => {
  it("ends 0 once no instance of another AMI is left and every service is steady", async () => {
    const timer = clock();
    const result = await cli("rollout watch staging", { stagesFile: stages, clock: timer });
    expect(result.code).toBe(0);
    expect(timer.sleeps).toEqual([15_000, 15_000, 15_000]);
    expect(result.stdout.split("\n")).toEqual([
      `12:00:00 i-0old0000000000001  ${OLD_ASG}  ${OLD}  us-east-1a  ACTIVE  3 running`,
      `12:00:00 i-0new0000000000002  ${NEW_ASG}  ${NEW_AMI}  us-east-1b  ACTIVE  0 running`,
      "12:00:00 service api 1/1 running, steady",
      "12:00:00 service web 2/2 running, steady",
      `12:00:00 3 task(s) left on instances not running ${NEW_AMI}`,
      `12:00:15 i-0old0000000000001  ${OLD_ASG}  ${OLD}  us-east-1a  DRAINING  3 running`,
      "12:00:15 service web 1/2 running",
      `12:00:30 i-0old0000000000001  ${OLD_ASG}  ${OLD}  us-east-1a  DRAINING  1 running`,
      `12:00:30 i-0new0000000000002  ${NEW_ASG}  ${NEW_AMI}  us-east-1b  ACTIVE  2 running`,
      "12:00:30 service api 0/1 running",
      "12:00:30 service web 2/2 running, steady",
      `12:00:30 1 task(s) left on instances not running ${NEW_AMI}`,
      `12:00:45 i-0new0000000000002  ${NEW_ASG}  ${NEW_AMI}  us-east-1b  ACTIVE  3 running`,
      "12:00:45 service api 1/1 running, steady",
      "12:00:45 instance i-0old0000000000001 gone",
      `12:00:45 0 task(s) left on instances not running ${NEW_AMI}`,
      `staging (apps-staging, us-east-1): every container instance runs ${NEW_AMI}, every service is steady`,
      "",
    ]);
  });

  it("ends 1 at the timeout with what is still pending", async () => {
    scenes = [ROLLOUT[1]];
    const timer = clock();
    const result = await cli("rollout watch staging --timeout 1m --interval 20s", {
      stagesFile: stages,
      clock: timer,
    });
    expect(result.code).toBe(1);
    expect(timer.sleeps).toEqual([20_000, 20_000, 20_000]);
    expect(result.stderr).toBe(
      "error: rollout watch staging: timed out after 1m; still pending: 1 instance(s) on another AMI " +
        "(i-0old0000000000001 DRAINING 3 tasks); service(s) not steady: web 1/2\n",
    );
  });

  it("does not wait past the timeout when it is shorter than the interval", async () => {
    scenes = [ROLLOUT[1]];
    const timer = clock();
    await cli("rollout watch staging --timeout 10s", { stagesFile: stages, clock: timer });
    expect(timer.sleeps).toEqual([10_000]);
  });

  it("stops cleanly on Ctrl-C with exit 130, saying what is pending", async () => {
    let press = () => undefined as void;
    const timer = virtualClock(START, {
      onSleep: (sleeps) => {
        step = sleeps;
        if (sleeps === 2) press();
      },
    });
    const result = await cli("rollout watch staging", {
      stagesFile: stages,
      clock: timer,
      interrupt: (listener) => (press = listener),
    });
    expect(result.code).toBe(130);
    expect(timer.sleeps).toHaveLength(2);
    expect(result.stdout).toMatch(
      /\nstopped; still pending on staging \(apps-staging, us-east-1\): 1 instance\(s\) on another AMI \(i-0old0000000000001 DRAINING 3 tasks\); service\(s\) not steady: web 1\/2\n$/,
    );
  });

  it("shows a live view with a progress bar and one row per instance on a terminal", async () => {
    const result = await cli("rollout watch staging", {
      stagesFile: stages,
      clock: clock(),
      tty: true,
    });
    expect(result.code).toBe(0);
    const screen = withoutAnsi(result.stdout);
    expect(screen).toContain(`tasks moved off other AMIs than ${NEW_AMI} [${"=".repeat(30)}] 3/3`);
    expect(screen).toContain(
      `i-0new0000000000002  ${NEW_ASG}  ${NEW_AMI}  us-east-1b  ACTIVE  3 running`,
    );
    expect(screen).toContain(`[${"=".repeat(20)}${"-".repeat(10)}] 2/3`);
    expect(screen).toContain("services steady 2/2");
    expect(screen).toContain("services steady 1/2: service web 1/2 running");
    expect(screen).not.toMatch(/^12:00:00 /m);
  });

  it("skips a poll that fails after the SDK's retries and carries on", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { attempts: 3 },
    });
    const answer = (input: Record<string, unknown>) =>
      sceneAnswer(scenes[Math.min(step, 3)], "ListContainerInstances", input);
    aws.ecs
      .on(ListContainerInstancesCommand)
      .callsFakeOnce(answer)
      .rejectsOnce(throttled)
      .callsFake(answer);
    const timer = clock();
    const result = await cli("rollout watch staging", { stagesFile: stages, clock: timer });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "warning: poll failed, next in 15s: AWS throttled the request (ThrottlingException) and it still failed after 3 attempt(s); wait a minute and run it again\n",
    );
    // The poll at 12:00:15 failed; the next one, at 12:00:30, sees the cluster as it is by then.
    expect(result.stdout).not.toContain("12:00:15");
    expect(result.stdout).toContain("12:00:30 ");
  });

  it("ends on an error that will not go away, in one line", async () => {
    aws.ecs.on(ListContainerInstancesCommand).rejects(
      new AccessDeniedException({
        message: "not authorized to perform: ecs:ListContainerInstances",
        $metadata: {},
      }),
    );
    const result = await cli("rollout watch staging", { stagesFile: stages, clock: clock() });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "error: AWS denied access (AccessDeniedException: not authorized to perform: ecs:ListContainerInstances)\n",
    });
  });

  it("reports a cluster that does not exist in one line", async () => {
    aws.ecs.on(DescribeClustersCommand).resolves({
      clusters: [],
      failures: [
        { arn: "arn:aws:ecs:us-east-1:123456789012:cluster/apps-staging", reason: "MISSING" },
      ],
    });
    const result = await cli("rollout watch staging", { stagesFile: stages, clock: clock() });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: 'error: ECS cluster "apps-staging" not found in us-east-1\n',
    });
  });

  it.each([
    [
      "--timeout 0m",
      "error: option '--timeout <duration>' argument '0m' is invalid. expected a positive whole number of s, m or h, like 15s or 60m.\n",
    ],
    [
      "--interval 15",
      "error: option '--interval <duration>' argument '15' is invalid. expected a positive whole number of s, m or h, like 15s or 60m.\n",
    ],
  ])("rejects %s", async (flags, message) => {
    const result = await cli(`rollout watch staging ${flags}`, { stagesFile: stages });
    expect(result).toEqual({ code: 2, stdout: "", stderr: message });
    expect(aws.ecs).not.toHaveReceivedAnyCommand();
  });
});
