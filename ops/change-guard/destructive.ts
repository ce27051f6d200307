import { FIXED_ADDRESSES } from "../../constructs/readable-address";
import { BACKEND_ADDRESS, type ResourceChange } from "../../change-set/change-set";

/**
 * Changes that lose what cannot be brought back by applying again: the running services (the
 * ECS cluster replaced or deleted, the instances' group deleted without a successor) or the
 * Terraform state (a changed backend). The guard refuses them in every mode, with or without
 * `--expect` and for a real plan too, unless `--allow-destructive` says they are intended.
 */

const STATE_LOSS =
  "the stage's Terraform state is looked for elsewhere: without `terraform init -migrate-state` first, the next plan creates every resource again beside the live ones";

// A backend new in this change (a new stage, no stack in the base) has no state elsewhere to lose.
const NEW_BACKEND = /^\w+ backend added$/;

/** What a stage loses with each kind of change; the line names the address and the action. */
const LOSSES: readonly {
  readonly address: string;
  readonly actions: readonly string[];
  readonly loses: string;
  readonly unless?: (change: ResourceChange) => boolean;
}[] = [
  {
    address: FIXED_ADDRESSES.cluster,
    actions: ["replace", "delete"],
    loses:
      "the ECS cluster is deleted, and with it every service and running task on it (ECS deletes a cluster only once it has no services: the apply fails halfway or the apps go down)",
  },
  {
    address: FIXED_ADDRESSES.autoScalingGroup,
    actions: ["delete"],
    loses: "the cluster's instances terminate with no group to replace them: every task stops",
  },
  {
    // A backend change that keeps the state where it is (change-set/backend.ts) is a
    // `reconfigure`, and loses nothing.
    address: BACKEND_ADDRESS,
    actions: ["migrate-state"],
    loses: STATE_LOSS,
    unless: (change) => change.reasons.every((reason) => NEW_BACKEND.test(reason)),
  },
];

/**
 * One `STOP` line per destructive change of a stage; none when there is nothing to lose. A plan
 * Terraform made has no backend entry (it was planned with the new backend already), so a
 * changed `stateBucket` setting stops it as well.
 */
export function destructiveChanges(
  stage: string,
  changes: readonly ResourceChange[],
  configChanges: readonly string[] = [],
): string[] {
  const stops = changes.flatMap((change) => {
    const loss = LOSSES.find(
      (l) => l.address === change.address && l.actions.includes(change.action),
    );
    if (loss === undefined || loss.unless?.(change) === true) return [];
    const why = change.reasons.length > 0 ? ` (${change.reasons.join("; ")})` : "";
    return [`${stage}: STOP ${change.action} of ${change.address}${why}: ${loss.loses}`];
  });
  const backend = changes.some((change) => change.address === BACKEND_ADDRESS);
  if (!backend && configChanges.includes("stateBucket")) {
    stops.push(`${stage}: STOP stateBucket changed: ${STATE_LOSS}`);
  }
  return stops;
}
