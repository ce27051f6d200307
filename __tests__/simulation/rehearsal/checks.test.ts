/**
 * The scenarios' checks judge a rehearsal's result; here on results made by hand, so each check
 * is seen to hold and to fail without a rehearsal (which takes a minute).
 */
import {
  admittedThroughGate,
  oldGroupUntouched,
  oldInstancesReleasedByFunction,
  rolloutFailsWith,
  terraformErrors,
} from "../../../simulation/rehearsal/checks";
import type { GroupSnapshot, RehearsalResult } from "../../../simulation/rehearsal/rehearsal";

const OLD: GroupSnapshot = {
  name: "AppsStaging-old",
  desiredCapacity: 1,
  instances: [{ id: "i-old", state: "InService" }],
};
const NEW: GroupSnapshot = {
  name: "AppsStaging-new",
  desiredCapacity: 1,
  instances: [{ id: "i-new", state: "InService" }],
};
const applied = { status: 0, realMs: 1, output: "", timeouts: [] };

function result(more: Partial<RehearsalResult>): RehearsalResult {
  return {
    setup: { stage: "staging", msPerSecond: 50, registrationSeconds: 20 },
    base: applied,
    rollout: applied,
    pendingChanges: {},
    calls: [],
    timeline: [],
    functionDecisions: [],
    functionRuns: [],
    invocations: 0,
    groupsBefore: [OLD],
    groupsAfter: [NEW],
    awsMs: 0,
    ...more,
  };
}

const DELETE_TIMEOUT_OUTPUT = `aws_autoscaling_group.instances (deposed object 46b1e8b6): Destroying...

Error: waiting for Auto Scaling Group (AppsStaging-old) drain: timeout while waiting for state to become '0' (last state: '1', timeout: 6s)

  with aws_autoscaling_group.instances,
  on cdk.tf.json line 118, in resource.aws_autoscaling_group.instances:
 118:       },
`;

describe("terraformErrors", () => {
  it("reads each Error paragraph of Terraform's output as one line", () => {
    expect(terraformErrors(DELETE_TIMEOUT_OUTPUT)).toEqual([
      "Error: waiting for Auto Scaling Group (AppsStaging-old) drain: timeout while waiting for state to become '0' (last state: '1', timeout: 6s)",
    ]);
  });
});

describe("the rehearsal's checks", () => {
  it("an old instance completed by the function passes; one released by its hook's timeout does not", () => {
    const completed = result({
      functionDecisions: [{ at: 1, action: "complete", instanceId: "i-old" }],
    });
    const timedOut = result({
      functionDecisions: [{ at: 1, action: "complete", instanceId: "i-old" }],
      timeline: [{ at: 2, event: "i-old drain-ecs-tasks timed out: CONTINUE" }],
    });
    expect(oldInstancesReleasedByFunction.problem(completed)).toBeUndefined();
    expect(oldInstancesReleasedByFunction.problem(timedOut)).toBe(
      "i-old released by the hook's timeout",
    );
  });

  it("a new instance is admitted only by the function's admit decision", () => {
    expect(
      admittedThroughGate.problem(
        result({ functionDecisions: [{ at: 1, action: "admit", instanceId: "i-new" }] }),
      ),
    ).toBeUndefined();
    expect(admittedThroughGate.problem(result({}))).toBe(
      "not admitted by the function: i-new (InService)",
    );
  });

  it("the old group is untouched only with its capacity and its instances InService", () => {
    expect(oldGroupUntouched.problem(result({ groupsAfter: [OLD, NEW] }))).toBeUndefined();
    expect(
      oldGroupUntouched.problem(
        result({
          groupsAfter: [{ ...OLD, instances: [{ id: "i-old", state: "Terminating:Wait" }] }],
        }),
      ),
    ).toBe("i-old of AppsStaging-old no longer InService");
    expect(
      oldGroupUntouched.problem(result({ groupsAfter: [{ ...OLD, desiredCapacity: 0 }] })),
    ).toBe("AppsStaging-old desired capacity 1 → 0");
    expect(oldGroupUntouched.problem(result({ groupsAfter: [NEW] }))).toBe(
      "AppsStaging-old was deleted",
    );
  });

  it("an expected failure must fail, with the expected error", () => {
    const check = rolloutFailsWith("the delete times out", /drain: timeout/);
    const failed = { status: 1, realMs: 1, output: DELETE_TIMEOUT_OUTPUT, timeouts: [] };
    expect(check.problem(result({ rollout: failed }))).toBeUndefined();
    expect(check.problem(result({}))).toBe("the rollout apply succeeded");
    expect(
      check.problem(result({ rollout: { ...failed, output: "Error: something else\n" } })),
    ).toBe("no error matches /drain: timeout/: Error: something else");
  });
});
