import { MultiBar, type SingleBar } from "cli-progress";
import type { ClusterState } from "../ops/cluster/cluster-state";
import {
  changedLines,
  instanceColumns,
  serviceSummary,
  type RolloutStatus,
} from "../ops/cluster/rollout-status";
import type { CliContext, OutputStream } from "./context";
import { formatTable } from "./format";

/**
 * How `rollout watch` shows each poll: a live view on a terminal, plain lines elsewhere. Loaded
 * only by `rollout watch`, with the progress library.
 */
export interface RolloutView {
  show(state: ClusterState, status: RolloutStatus, now: number): void;
  /** A line about the watch itself (a failed poll), shown without breaking the view. */
  note(line: string): void;
  stop(): void;
}

/** One line per change, with the time (UTC): for CI, Atlantis logs and pipes. */
export function plainView(context: CliContext, amiId: string): RolloutView {
  let previous: ClusterState | undefined;
  let previousTasks: number | undefined;
  return {
    show(state, status, now) {
      const time = new Date(now).toISOString().slice(11, 19);
      for (const line of changedLines(previous, state)) context.out(`${time} ${line}`);
      if (status.tasksOnOldAmi !== previousTasks) {
        context.out(
          `${time} ${status.tasksOnOldAmi} task(s) left on instances not running ${amiId}`,
        );
      }
      previous = state;
      previousTasks = status.tasksOnOldAmi;
    },
    note(line) {
      context.warn(line);
    },
    stop() {},
  };
}

/**
 * A live view redrawn in place: a progress bar of the tasks moved off instances of another AMI,
 * the services, then one row per container instance (rows come and go with the instances).
 */
export function liveView(stream: OutputStream, amiId: string): RolloutView {
  const bars = new MultiBar({
    stream: stream as NodeJS.WritableStream,
    hideCursor: true,
    gracefulExit: false,
    clearOnComplete: false,
    barsize: 30,
    format: `tasks moved off other AMIs than ${amiId} [{bar}] {value}/{total}`,
  });
  const progress = bars.create(0, 0);
  const row = (text: string) => bars.create(0, 0, { text }, { format: "{text}" });
  const services = row("");
  const rows = new Map<string, SingleBar>();
  let mostTasks = 0;
  return {
    show(state, status) {
      mostTasks = Math.max(mostTasks, status.tasksOnOldAmi);
      progress.setTotal(mostTasks);
      progress.update(mostTasks - status.tasksOnOldAmi);
      const steady = state.services.filter((s) => s.steady).length;
      const unsteady = status.unsteadyServices.map(serviceSummary).join("; ");
      services.update(0, {
        text: `services steady ${steady}/${state.services.length}${unsteady ? `: ${unsteady}` : ""}`,
      });
      const lines = formatTable(state.instances.map(instanceColumns));
      state.instances.forEach(({ instanceId }, i) => {
        const bar = rows.get(instanceId);
        if (bar === undefined) rows.set(instanceId, row(lines[i]));
        else bar.update(0, { text: lines[i] });
      });
      const current = new Set(state.instances.map((i) => i.instanceId));
      for (const [instanceId, bar] of rows) {
        if (current.has(instanceId)) continue;
        bars.remove(bar);
        rows.delete(instanceId);
      }
      bars.update();
    },
    note(line) {
      bars.log(`warning: ${line}\n`);
    },
    stop() {
      bars.stop();
    },
  };
}
