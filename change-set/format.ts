import { initOption } from "./backend";
import { BACKEND_ADDRESS, type ChangeAction, type ResourceChange } from "./types";

// The symbols `terraform plan` prints for each action; `!` for what a plan does not show.
const SYMBOLS: Readonly<Record<ChangeAction, string>> = {
  create: "+",
  delete: "-",
  replace: "-/+",
  update: "~",
  read: "<=",
  import: "<-",
  reconfigure: "!",
  "migrate-state": "!",
};

/** The symbol `terraform plan` prints for an action (`!` for what a plan does not show). */
export function actionSymbol(action: ChangeAction): string {
  return SYMBOLS[action];
}

/**
 * Renders a change set one line per entry, in the given order, e.g.
 * `~ aws_cloudwatch_metric_alarm.low_instance_alarm (update: dimensions refers to replaced aws_autoscaling_group.instances)`;
 * several reasons are joined with `; `. A backend change reads
 * `! backend changed: terraform init -migrate-state needed (bucket changed)` (`-reconfigure` when
 * the state stays where it is: backend.ts, BACKEND_FIELDS), a provider change
 * `! provider.aws changed (region changed)`. An empty change set is `no changes`.
 */
export function formatChangeSet(changes: readonly ResourceChange[]): string {
  if (changes.length === 0) return "no changes";
  return changes
    .map(({ address, action, reasons }) => {
      const why = reasons.join("; ");
      if (address === BACKEND_ADDRESS) {
        const init = initOption(action === "migrate-state");
        return `! backend changed: terraform init ${init} needed (${why})`;
      }
      if (action === "reconfigure") return `! ${address} changed (${why})`;
      return `${SYMBOLS[action]} ${address} (${reasons.length > 0 ? `${action}: ${why}` : action})`;
    })
    .join("\n");
}
