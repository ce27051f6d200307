import type { ChangeAction, ResourceChange } from "./change-set";

// The symbols `terraform plan` prints for each action.
const SYMBOLS: Readonly<Record<ChangeAction, string>> = {
  create: "+",
  delete: "-",
  replace: "-/+",
  update: "~",
  read: "<=",
};

/**
 * Renders a change set one line per block, in the given order, e.g.
 * `~ aws_cloudwatch_metric_alarm.low_instance_alarm (update: dimensions refers to replaced aws_autoscaling_group.instances)`;
 * several reasons are joined with `; `. An empty change set is `no changes`.
 */
export function formatChangeSet(changes: readonly ResourceChange[]): string {
  if (changes.length === 0) return "no changes";
  return changes
    .map(({ address, action, reasons }) => {
      const why = reasons.length > 0 ? `${action}: ${reasons.join("; ")}` : action;
      return `${SYMBOLS[action]} ${address} (${why})`;
    })
    .join("\n");
}
