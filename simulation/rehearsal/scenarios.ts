/**
 * The rehearsal's scenarios, each a rollout with what it must show. The first are the rollouts
 * the team runs (and what must go right when AWS misbehaves); the `breaks:` ones each rehearse
 * the system with one thing broken and expect the rehearsal to notice, so a rehearsal that
 * stopped seeing the failures it exists for fails too.
 */
import type { BlockConfig, JsonValue, SynthesizedDocument } from "../../change-set/document";
import {
  admittedThroughGate,
  heartbeatsKeptInstance,
  oldInstancesHeld,
  noneDropped,
  oldGroupDeleted,
  oldGroupUntouched,
  oldInstancesReleasedByFunction,
  planEmpty,
  rolloutApplied,
  rolloutFailsWith,
  servicesAtDesired,
  someDropped,
  tasksSpreadAcrossAzs,
  type Check,
} from "./checks";
import { adoptionImports, DRAIN_MACHINERY_TARGETS, handOver, preexisting } from "./adoption";
import type { RehearsalSetup } from "./rehearsal";
import { APP_SERVICES, type AppService } from "./services";
import type { StageEdit } from "./synthesize";
import { NEW_AMI } from "../amis";

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly setup: RehearsalSetup;
  readonly checks: readonly Check[];
}

/**
 * 50 real ms per second of AWS time: a minute in 3 s. The provider polls its capacity and delete
 * waits with a backoff that settles at 10 real seconds, so it sees a finished wait at most
 * 200 s of AWS time late: well inside what the stacks' timeouts leave (the capacity wait is
 * 5 minutes longer than the launch gate's registration timeout). A faster clock would blur that.
 */
export const MS_PER_SECOND = 50;
/** Seconds of AWS time from an instance's boot to its ECS registration. */
export const REGISTRATION_SECONDS = 20;

/**
 * Shorter-but-valid drain timing (the construct's contract accepts it) for the scenarios that
 * wait out a hook's heartbeat or a drain bound: the shortest Lambda timeout (120 s: a hand-off
 * every minute) and, from it, the shortest heartbeat (420 s), with `drainTimeoutMinutes`.
 */
export const shortDrainTiming =
  (drainTimeoutMinutes: number): StageEdit =>
  (stage) => ({
    drain: {
      ...stage.drain,
      lambdaTimeoutSeconds: 120,
      heartbeatTimeoutSeconds: 420,
      drainTimeoutMinutes,
    },
  });

const rollout = (
  stage: RehearsalSetup["stage"],
  more: Partial<RehearsalSetup> = {},
): RehearsalSetup => ({
  stage,
  msPerSecond: MS_PER_SECOND,
  registrationSeconds: REGISTRATION_SECONDS,
  newAmiId: NEW_AMI,
  services: APP_SERVICES[stage],
  ...more,
});

/** Staging's apps with a deregistration delay of `seconds` (ALB allows up to an hour). */
const withDeregistrationDelay = (seconds: number): AppService[] =>
  APP_SERVICES.staging.map((service) => ({ ...service, deregistrationDelaySeconds: seconds }));

/** What a rollout that goes right shows. */
const GOES_RIGHT: readonly Check[] = [
  rolloutApplied,
  planEmpty,
  admittedThroughGate,
  oldGroupDeleted,
  oldInstancesReleasedByFunction,
  noneDropped,
  servicesAtDesired,
];

/** How the provider reports a delete that outlasted its timeout. */
const DELETE_TIMED_OUT = /deleting Auto Scaling Group.*timeout|timeout while waiting/i;

/** Passes when `check` does not hold: the rehearsal saw what was broken. */
function detects(check: Check): Check {
  return {
    name: `the rehearsal sees it: "${check.name}" does not hold`,
    problem: (result) =>
      check.problem(result) === undefined ? "it held: the breakage went unseen" : undefined,
  };
}

/** The stack's autoscaling group, edited. */
function withGroup(
  edit: (group: Record<string, JsonValue>) => Record<string, JsonValue>,
): (document: SynthesizedDocument) => SynthesizedDocument {
  return (document) => {
    const groups = document.resource?.aws_autoscaling_group ?? {};
    return {
      ...document,
      resource: {
        ...document.resource,
        aws_autoscaling_group: Object.fromEntries(
          Object.entries(groups).map(([name, config]) => [
            name,
            edit({ ...config }) as BlockConfig,
          ]),
        ),
      },
    };
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "staging",
    description: "staging rolls onto a new AMI",
    setup: rollout("staging"),
    checks: GOES_RIGHT,
  },
  {
    name: "production",
    description: "production (two instances, two AZs) rolls onto a new AMI",
    setup: rollout("production"),
    checks: [...GOES_RIGHT, tasksSpreadAcrossAzs],
  },
  {
    name: "never-registers",
    description: "the new AMI's instances never register with ECS",
    setup: rollout("staging", {
      beforeRollout: (aws) => aws.faults.neverRegister(NEW_AMI),
    }),
    checks: [
      rolloutFailsWith("the capacity wait times out", /capacity/i),
      oldGroupUntouched,
      noneDropped,
    ],
  },
  {
    name: "throttled-ecs",
    description: "ECS refuses every other call with a ThrottlingException",
    setup: rollout("staging", {
      beforeRollout: (aws) => aws.faults.throttleEcs({ inARow: 1 }),
    }),
    checks: GOES_RIGHT,
  },
  {
    name: "unhealthy-tasks",
    description: "the new AMI's tasks never become healthy (drain bound 1 minute)",
    // The shortest drain bound makes the shortest delete timeout: 19 minutes, 57 s of real time.
    setup: rollout("staging", {
      settings: shortDrainTiming(1),
      beforeRollout: (aws) => aws.faults.neverHealthy(NEW_AMI),
    }),
    checks: [
      rolloutFailsWith("the old group's delete times out", DELETE_TIMED_OUT),
      oldInstancesHeld,
      noneDropped,
    ],
  },
  {
    name: "long-drain",
    description:
      "a drain (600 s deregistration delay) outlasts the hook's heartbeat (420 s); drain bound 15 minutes",
    setup: rollout("staging", {
      settings: shortDrainTiming(15),
      services: withDeregistrationDelay(600),
    }),
    checks: [...GOES_RIGHT, heartbeatsKeptInstance],
  },
  {
    name: "adoption",
    description:
      "the first rollout after adoption: imported cluster and group, the drain machinery alone, the hand-over (the CLI), then the rollout",
    setup: rollout("staging", {
      prepare: preexisting("staging"),
      imports: adoptionImports("staging"),
      baseTargets: DRAIN_MACHINERY_TARGETS,
      beforeRollout: handOver("staging"),
    }),
    checks: GOES_RIGHT,
  },
  {
    name: "breaks:early-release",
    description:
      "broken: the drain hook's heartbeat is 30 s, so its default result (CONTINUE) releases the instance before the drain ends",
    setup: rollout("staging", {
      breakStack: {
        in: "both",
        edit: withGroup((group) => ({
          ...group,
          initial_lifecycle_hook: (group.initial_lifecycle_hook as BlockConfig[]).map((hook) =>
            hook.lifecycle_transition === "autoscaling:EC2_INSTANCE_TERMINATING"
              ? { ...hook, heartbeat_timeout: 30 }
              : hook,
          ),
        })),
      },
    }),
    checks: [someDropped],
  },
  {
    // The function never releases an instance while a service still wants a task RUNNING
    // there, whatever its bound: only tasks already deregistering are cut short, and with
    // one-second requests none of them has any left in flight.
    name: "tiny-drain-bound",
    description:
      "the function's drain bound (MAX_DRAIN_SECONDS) is 1 s: it still holds the instance until the replacements serve",
    setup: rollout("staging", {
      breakStack: {
        in: "both",
        edit: (document) => withLambdaVariable(document, "MAX_DRAIN_SECONDS", "1"),
      },
    }),
    checks: [rolloutApplied, noneDropped, servicesAtDesired],
  },
  {
    name: "breaks:short-capacity-wait",
    description: "broken: the capacity wait (30 s) is shorter than an instance's boot",
    setup: rollout("staging", {
      breakStack: {
        in: "rollout",
        edit: withGroup((group) => ({ ...group, wait_for_capacity_timeout: "30s" })),
      },
    }),
    checks: [rolloutFailsWith("the capacity wait times out", /capacity/i), oldGroupUntouched],
  },
  {
    name: "breaks:short-delete-timeout",
    description: "broken: the group's delete timeout (2 minutes) is shorter than a drain",
    setup: rollout("staging", {
      breakStack: {
        in: "both",
        edit: withGroup((group) => ({ ...group, timeouts: { delete: "2m" } })),
      },
    }),
    checks: [rolloutFailsWith("the old group's delete times out", DELETE_TIMED_OUT)],
  },
  {
    // The provider keeps a resource's timeouts in its state when it creates it, and deletes the
    // old group (a deposed object: no configuration) with those: a longer delete timeout
    // protects the rollout after the one that sets it.
    name: "delete-timeout-from-state",
    description:
      "the rollout raises a too-short delete timeout; the old group is deleted with its own",
    setup: rollout("staging", {
      breakStack: {
        in: "base",
        edit: withGroup((group) => ({ ...group, timeouts: { delete: "2m" } })),
      },
    }),
    checks: [rolloutFailsWith("the old group's delete times out", DELETE_TIMED_OUT)],
  },
  {
    name: "breaks:no-launch-gate",
    description: "broken: no launch hook, and the new AMI's instances never register",
    // The shortest drain bound: the old group's delete gives up in 19 minutes, not 90.
    setup: rollout("staging", {
      settings: shortDrainTiming(1),
      beforeRollout: (aws) => aws.faults.neverRegister(NEW_AMI),
      breakStack: {
        in: "rollout",
        edit: withGroup((group) => ({
          ...group,
          initial_lifecycle_hook: (group.initial_lifecycle_hook as BlockConfig[]).filter(
            (hook) => hook.lifecycle_transition !== "autoscaling:EC2_INSTANCE_LAUNCHING",
          ),
        })),
      },
    }),
    checks: [detects(oldGroupUntouched)],
  },
];

/** The stack with one environment variable of the drain function set to `value`. */
function withLambdaVariable(
  document: SynthesizedDocument,
  name: string,
  value: string,
): SynthesizedDocument {
  const functions = document.resource?.aws_lambda_function ?? {};
  return {
    ...document,
    resource: {
      ...document.resource,
      aws_lambda_function: Object.fromEntries(
        Object.entries(functions).map(([key, config]) => {
          const environment = config.environment as { variables: Record<string, string> };
          return [
            key,
            { ...config, environment: { variables: { ...environment.variables, [name]: value } } },
          ];
        }),
      ),
    },
  };
}

export function scenarioNamed(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
