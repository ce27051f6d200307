import { Option } from "commander";
import type { StageName } from "../config/stages";
import { autoScalingClient, ecsClient } from "./aws";
import {
  EXIT_FINDING,
  exitCodeOf,
  type CliContext,
  type CommandGroup,
  type InterruptSignal,
} from "./context";
import { describeKnownError, isTransientError } from "./errors";
import { formatDuration, helpExamples } from "./format";
import { parseDuration } from "./options";

/** `rollout watch`: follow tasks from the old instances to the new ones until the cluster is steady. */
export const rolloutCommands: CommandGroup = (program, context) => {
  const rollout = program
    .command("rollout")
    .description("follow a rollout (an applied AMI or instance type change) on a stage's cluster")
    .addHelpText("after", helpExamples("rollout watch staging"));

  rollout
    .command("watch")
    .description(
      "poll the stage's cluster until no instance of another AMI is left and every service is steady",
    )
    .argument("<stage>", "the stage to watch (a stage of the stages file)")
    .addOption(
      new Option("--timeout <duration>", "give up (exit 1) after this long")
        .argParser(parseDuration)
        .default(3_600_000, "60m"),
    )
    .addOption(
      new Option("--interval <duration>", "time between polls")
        .argParser(parseDuration)
        .default(15_000, "15s"),
    )
    .addHelpText(
      "after",
      helpExamples(
        "rollout watch staging",
        "rollout watch production --timeout 90m --interval 30s",
      ),
    )
    .action((stage: StageName, options: { timeout: number; interval: number }) =>
      watch(context, stage, options),
    );
};

async function watch(
  context: CliContext,
  stageName: StageName,
  { timeout, interval }: { timeout: number; interval: number },
): Promise<void> {
  const stage = (await context.loadStages(stageName))[stageName];
  const { assertClusterExists, readClusterState } = await import("../ops/cluster/cluster-state");
  const { describePending, rolloutStatus } = await import("../ops/cluster/rollout-status");
  const { liveView, plainView } = await import("./rollout-view");
  const { clock, stdout } = context.io;
  const deadline = clock.now() + timeout;
  const interrupted = new AbortController();
  // A call to an endpoint that accepts and never answers ends at the deadline or on Ctrl-C, not
  // after the SDK's retries: in real time, like the calls it ends.
  const stop = AbortSignal.any([interrupted.signal, AbortSignal.timeout(timeout)]);
  const ecs = await ecsClient(stage.region, stop);
  const autoScaling = await autoScalingClient(stage.region, stop);
  let stoppedBy: InterruptSignal = "SIGINT";
  const stopListening = context.io.onInterrupt((signal) => {
    stoppedBy = signal;
    interrupted.abort();
  });
  let view;
  let status;
  try {
    await assertClusterExists(ecs, stage.clusterName);
    view = stdout.isTTY ? liveView(stdout, stage.amiId) : plainView(context, stage.amiId);
    for (;;) {
      try {
        const state = await readClusterState(ecs, autoScaling, stage.clusterName);
        status = rolloutStatus(state, stage.amiId);
        view.show(state, status, clock.now());
      } catch (error) {
        if (stop.aborted) break;
        // A rollout takes up to an hour: one poll that fails after the SDK's retries (throttled,
        // the network, AWS's side) is skipped, anything else ends the watch.
        if (!isTransientError(error)) throw error;
        view.note(
          `poll failed, next in ${formatDuration(interval)}: ${describeKnownError(error, context.io.env)}`,
        );
      }
      const left = deadline - clock.now();
      if (status?.done || left <= 0 || interrupted.signal.aborted) break;
      await clock.sleep(Math.min(interval, left), interrupted.signal).catch((error: Error) => {
        if (error.name !== "AbortError") throw error;
      });
      if (interrupted.signal.aborted) break;
    }
  } catch (error) {
    // Cut short while it asked whether the cluster exists: reported like any other stop below.
    if (!stop.aborted) throw error;
  } finally {
    view?.stop();
    stopListening();
  }

  const where = `${stageName} (${stage.clusterName}, ${stage.region})`;
  if (status?.done) {
    context.out(`${where}: every container instance runs ${stage.amiId}, every service is steady`);
  } else if (interrupted.signal.aborted) {
    context.out(
      `stopped; still pending on ${where}: ${status ? describePending(status) : "not read yet"}`,
    );
    context.exitCode = exitCodeOf(stoppedBy);
  } else {
    context.io.stderr.write(
      `error: rollout watch ${stageName}: timed out after ${formatDuration(timeout)}; still pending: ${status ? describePending(status) : "not read yet"}\n`,
    );
    context.exitCode = EXIT_FINDING;
  }
}
