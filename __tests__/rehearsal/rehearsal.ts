/**
 * One rehearsal: the staging stack, synthesized in `cdktf.out`, applied by Terraform with the
 * real hashicorp/aws provider of the machine's mirror against the simulated AWS, in which the
 * drain function runs as built; then a plan, which must be empty. Returns what happened, for
 * `npm run rehearse` to print and the rehearsal test to judge.
 */
import * as path from "node:path";
import { readSynthesizedStack } from "../../change-set/document";
import { TerraformWorkspace, plannedActions } from "../terraform/harness";
import { findRealProvider, installRealProvider } from "../terraform/real-provider/mirror";
import { functionRunner, type FunctionRunner } from "./function-runner";
import type { RecordedCall } from "./simulated-aws/server";
import { startSimulation, type TimelineEvent } from "./simulated-aws/simulation";
import { againstSimulatedAws, copyAssets } from "./stack";

export interface RehearsalOptions {
  readonly stage: string;
  /** Where `npm run synth` wrote the stacks. */
  readonly outdir: string;
  /**
   * Real milliseconds per second of AWS time inside the simulation. The provider's own waits
   * (capacity, delete) run in real time whatever this is.
   */
  readonly msPerSecond: number;
  /** Seconds of AWS time from an instance's boot to its ECS registration. */
  readonly registrationSeconds: number;
}

export interface RehearsalResult {
  readonly applyStatus: number;
  readonly applyMs: number;
  /** Terraform's own output of the apply, for a failure's message. */
  readonly applyOutput: string;
  /** What a plan right after the apply would still change (empty when the apply converged). */
  readonly pendingChanges: Record<string, string>;
  readonly calls: readonly RecordedCall[];
  readonly timeline: readonly TimelineEvent[];
  /** The drain function's decisions, from its JSON log (`action` and `instanceId`). */
  readonly functionDecisions: readonly { at: number; action: string; instanceId?: string }[];
  readonly invocations: number;
}

/** Why a rehearsal cannot run here (one line), or undefined when it can. */
export function rehearsalUnavailable(): string | undefined {
  const found = findRealProvider();
  return "missing" in found ? found.missing : undefined;
}

export async function rehearseBaseApply(options: RehearsalOptions): Promise<RehearsalResult> {
  const found = findRealProvider();
  if ("missing" in found) throw new Error(found.missing);
  const region = "us-east-1";
  // The runner needs the endpoint's URL, which exists only once the simulation has started.
  const started: { runner?: FunctionRunner } = {};
  const aws = await startSimulation({
    region,
    msPerSecond: options.msPerSecond,
    registrationSeconds: options.registrationSeconds,
    runFunction: (fn, payload) => started.runner?.run(fn, payload),
  });
  const runner = functionRunner(aws.server.url, region);
  started.runner = runner;
  try {
    const workspace = new TerraformWorkspace(installRealProvider(found));
    const document = readSynthesizedStack(options.outdir, options.stage);
    workspace.writeStack(againstSimulatedAws(document, found.version, aws.server.url));
    copyAssets(path.join(options.outdir, "stacks", options.stage), workspace.dir);
    await workspace.init();
    const applyStarted = Date.now();
    const apply = await workspace.run("apply", "-auto-approve", "-no-color", "-input=false");
    const applyMs = Date.now() - applyStarted;
    const pendingChanges = apply.status === 0 ? plannedActions(await workspace.plan()) : {};
    return {
      applyStatus: apply.status,
      applyMs,
      applyOutput: apply.stdout + apply.stderr,
      pendingChanges,
      calls: [...aws.server.calls],
      timeline: [...aws.timeline],
      functionDecisions: runner.logs.flatMap(({ at, line }) =>
        typeof line === "object" && typeof line.action === "string"
          ? [
              {
                at,
                action: line.action,
                ...(typeof line.instanceId === "string" ? { instanceId: line.instanceId } : {}),
              },
            ]
          : [],
      ),
      invocations: aws.invocations.length,
    };
  } finally {
    runner.stop();
    await aws.close();
  }
}
