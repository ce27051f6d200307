/**
 * What a scenario expects of a rehearsal, as named checks: each looks at the result and says
 * what is wrong, or nothing when it holds. The report prints them; the scenario's test and
 * `npm run rehearse` fail when one does not hold.
 */
import type { RehearsalResult } from "./rehearsal";

export interface Check {
  readonly name: string;
  /** What is wrong, or undefined when the check holds. */
  problem(result: RehearsalResult): string | undefined;
}

/** Terraform's `Error:` paragraphs, joined on one line each. */
export function terraformErrors(output: string): string[] {
  return [...output.matchAll(/^(?:│ )?Error: [\s\S]*?(?=\n(?:│ ?)?\n|\n?$)/gm)].map(([text]) =>
    text
      .split("\n")
      .map((line) => line.replace(/^│ ?/, "").trim())
      .filter(Boolean)
      .join(" "),
  );
}

const failureOf = (result: RehearsalResult): string | undefined => {
  if (result.base.status !== 0)
    return `the base apply failed: ${terraformErrors(result.base.output).join("; ")}`;
  if (result.rollout === undefined) return "no rollout was applied";
  return undefined;
};

const oldGroups = (result: RehearsalResult) => result.groupsBefore.map((g) => g.name);
const newGroups = (result: RehearsalResult) =>
  result.groupsAfter.filter((g) => !oldGroups(result).includes(g.name));
const oldInstances = (result: RehearsalResult) =>
  result.groupsBefore.flatMap((g) => g.instances.map((i) => i.id));
const decided = (result: RehearsalResult, action: string, instanceId: string) =>
  result.functionDecisions.some((d) => d.action === action && d.instanceId === instanceId);
const timedOut = (result: RehearsalResult, instanceId: string) =>
  result.timeline.some((e) => e.event.startsWith(`${instanceId} `) && / timed out: /.test(e.event));

export const rolloutApplied: Check = {
  name: "the rollout applies",
  problem: (result) =>
    failureOf(result) ??
    (result.rollout?.status === 0
      ? undefined
      : `the rollout apply failed: ${terraformErrors(result.rollout?.output ?? "").join("; ")}`),
};

export const planEmpty: Check = {
  name: "a plan afterwards is empty",
  problem: ({ pendingChanges }) => {
    const pending = Object.entries(pendingChanges);
    return pending.length === 0
      ? undefined
      : `the plan would still ${pending.map(([address, action]) => `${action} ${address}`).join(", ")}`;
  },
};

export const admittedThroughGate: Check = {
  name: "every new instance is admitted by the launch gate",
  problem: (result) => {
    const instances = newGroups(result).flatMap((g) => g.instances);
    if (instances.length === 0) return "no new group with instances";
    const notAdmitted = instances.filter((i) => !decided(result, "admit", i.id));
    return notAdmitted.length === 0
      ? undefined
      : `not admitted by the function: ${notAdmitted.map((i) => `${i.id} (${i.state})`).join(", ")}`;
  },
};

export const oldGroupDeleted: Check = {
  name: "the old group is deleted",
  problem: (result) => {
    const left = result.groupsAfter.filter((g) => oldGroups(result).includes(g.name));
    return left.length === 0 ? undefined : `still there: ${left.map((g) => g.name).join(", ")}`;
  },
};

export const oldInstancesReleasedByFunction: Check = {
  name: "each old instance is drained and released by the function, not by the hook's timeout",
  problem: (result) => {
    const wrong = oldInstances(result).flatMap((id) =>
      timedOut(result, id)
        ? [`${id} released by the hook's timeout`]
        : decided(result, "complete", id)
          ? []
          : [`${id} never completed by the function`],
    );
    return wrong.length === 0 ? undefined : wrong.join("; ");
  },
};

export const oldGroupUntouched: Check = {
  name: "the old group is untouched (still serving)",
  problem: (result) => {
    const problems = result.groupsBefore.flatMap((before) => {
      const after = result.groupsAfter.find((g) => g.name === before.name);
      if (after === undefined) return [`${before.name} was deleted`];
      if (after.desiredCapacity !== before.desiredCapacity)
        return [
          `${before.name} desired capacity ${before.desiredCapacity} → ${after.desiredCapacity}`,
        ];
      const serving = after.instances.filter((i) => i.state === "InService").map((i) => i.id);
      const lost = before.instances.filter((i) => !serving.includes(i.id));
      return lost.map((i) => `${i.id} of ${before.name} no longer InService`);
    });
    return problems.length === 0 ? undefined : problems.join("; ");
  },
};

export const oldInstancesHeld: Check = {
  name: "the old instances are held (none terminated)",
  problem: (result) => {
    const live = result.groupsAfter.flatMap((g) => g.instances.map((i) => i.id));
    const gone = oldInstances(result).filter((id) => !live.includes(id));
    return gone.length === 0 ? undefined : `terminated: ${gone.join(", ")}`;
  },
};

/** The rollout apply fails, with a Terraform error matching `message`. */
export function rolloutFailsWith(what: string, message: RegExp): Check {
  return {
    name: `the rollout apply fails: ${what}`,
    problem: (result) => {
      const failed = failureOf(result);
      if (failed !== undefined) return failed;
      if (result.rollout?.status === 0) return "the rollout apply succeeded";
      const errors = terraformErrors(result.rollout?.output ?? "");
      return errors.some((e) => message.test(e))
        ? undefined
        : `no error matches ${message}: ${errors.join("; ") || "(no Terraform error)"}`;
    },
  };
}

export const heartbeatsKeptInstance: Check = {
  name: "heartbeats keep each old instance past the hook's heartbeat timeout",
  problem: (result) => {
    const wrong = oldInstances(result).flatMap((id) =>
      timedOut(result, id)
        ? [`${id} released by the hook's timeout`]
        : decided(result, "heartbeat", id) || decided(result, "continue", id)
          ? []
          : [`${id}: no heartbeat recorded`],
    );
    return wrong.length === 0 ? undefined : wrong.join("; ");
  },
};

/** Figures only the simulated load balancer gives (the ECS layer of the simulation). */
export function trafficCheck(
  name: string,
  problem: (traffic: NonNullable<RehearsalResult["traffic"]>) => string | undefined,
): Check {
  return {
    name,
    problem: (result) =>
      result.traffic === undefined
        ? "not measured: the simulation has no services or load balancer yet"
        : problem(result.traffic),
  };
}

export const noneDropped = trafficCheck("no request is dropped", ({ sent, dropped }) =>
  sent === 0 ? "no request was sent" : dropped === 0 ? undefined : `${dropped} of ${sent} dropped`,
);

export const someDropped = trafficCheck(
  "the rehearsal sees requests dropped",
  ({ sent, dropped }) =>
    dropped > 0 ? undefined : `none of ${sent} requests was dropped: the breakage went unseen`,
);

export const servicesAtDesired = trafficCheck(
  "every service is at its desired count at the end",
  ({ services }) => {
    const short = services.filter((s) => s.running < s.desired);
    return short.length === 0
      ? undefined
      : short.map((s) => `${s.name} ${s.running}/${s.desired}`).join(", ");
  },
);

export const tasksSpreadAcrossAzs = trafficCheck(
  "each service's tasks are spread across both AZs",
  ({ services }) => {
    const lopsided = services.filter((s) => s.desired > 1 && s.zones.length < 2);
    return lopsided.length === 0
      ? undefined
      : lopsided.map((s) => `${s.name} only in ${s.zones.join(", ") || "no AZ"}`).join(", ");
  },
);
