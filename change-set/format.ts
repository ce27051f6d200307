import type { ChangeAction, ResourceChange } from "./types";

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

/** Backend reasons that change only how the state is locked, not where it is. */
const LOCK_REASONS: ReadonlySet<string> = new Set([
  "dynamodb_table changed",
  "use_lockfile changed",
]);

/**
 * Renders a change set one line per entry, in the given order, e.g.
 * `~ aws_cloudwatch_metric_alarm.low_instance_alarm (update: dimensions refers to replaced aws_autoscaling_group.instances)`;
 * several reasons are joined with `; `. A backend change reads
 * `! backend changed: terraform init -migrate-state needed (bucket changed)` (`-reconfigure` when
 * only the lock settings changed), a provider change
 * `! provider.aws changed (region changed)`. An empty change set is `no changes`.
 */
export function formatChangeSet(changes: readonly ResourceChange[]): string {
  if (changes.length === 0) return "no changes";
  return changes
    .map(({ address, action, reasons }) => {
      const why = reasons.join("; ");
      if (action === "migrate-state") {
        // The state stays where it is when only the locking changes: no copy, only a new config.
        const init = reasons.every((r) => LOCK_REASONS.has(r)) ? "-reconfigure" : "-migrate-state";
        return `! backend changed: terraform init ${init} needed (${why})`;
      }
      if (action === "reconfigure") return `! ${address} changed (${why})`;
      return `${SYMBOLS[action]} ${address} (${reasons.length > 0 ? `${action}: ${why}` : action})`;
    })
    .join("\n");
}
