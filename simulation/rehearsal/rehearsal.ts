/**
 * One rehearsal of a rollout: a stage's stack, synthesized from stacks/stages.json (with the
 * rehearsal's edits), applied from an empty state (or over adopted objects) by Terraform with
 * the real hashicorp/aws provider of the machine's mirror against the simulated AWS, in which
 * the drain function runs as built on the same compressed AWS clock and the apps run as ECS
 * services behind a load balancer; then the same stage with a new AMI applied over it (the AMI
 * rollout), and a plan, which must be empty. Terraform's timeouts are converted to the
 * real time they last (`terraform-timeouts.ts`). Returns what happened, for the report and the
 * scenarios' expectations to judge.
 */
import * as fs from "node:fs";
import type { SynthesizedDocument } from "../../change-set/document";
import type { ImportEntry } from "../../config/imports";
import type { StageName } from "../../config/stages";
import { TerraformWorkspace, plannedActions } from "../terraform/harness";
import { findRealProvider, installRealProvider } from "../terraform/real-provider/mirror";
import { providerBinary, startProviderServer } from "../terraform/real-provider/provider-server";
import { functionRunner, type FunctionRun, type FunctionRunner } from "./function-runner";
import { scaledClock, type ScaledClock } from "../clock";
import type { RecordedCall } from "../aws/server";
import { startSimulation, type SimulatedAws } from "../aws/simulation";
import { seedServices, trafficOf, type AppService } from "./services";
import { copyAssets, simulatedAwsEnvironment } from "./stack";
import { forRealProvider } from "../terraform/real-provider/convert";
import { editedStages, synthesizeStage, type StageEdit } from "./synthesize";
import { timeoutsInRealTime, type ConvertedTimeout } from "./terraform-timeouts";

export interface RehearsalSetup {
  readonly stage: StageName;
  /** Real milliseconds per second of AWS time, for the simulation and the function alike. */
  readonly msPerSecond: number;
  /** Seconds of AWS time from an instance's boot to its ECS registration. */
  readonly registrationSeconds: number;
  /** The rehearsal's edits of the stage (both applies), e.g. shorter-but-valid drain timing. */
  readonly settings?: StageEdit;
  /** The AMI the rollout moves to; without one, only the base stack is applied. */
  readonly newAmiId?: string;
  /**
   * One thing broken in the stack (the tests that must fail): in both applies (the system as
   * deployed is broken), in the rollout's stack only, or in the base stack only (the rollout
   * fixes it).
   */
  readonly breakStack?: {
    readonly in: "both" | "rollout" | "base";
    readonly edit: (document: SynthesizedDocument) => SynthesizedDocument;
  };
  /** The apps running on the cluster once it has instances, behind the load balancer. */
  readonly services?: readonly AppService[];
  /** What exists in the simulated AWS before the base apply (an adopted cluster, say). */
  readonly prepare?: (aws: SimulatedAws) => Promise<void> | void;
  /** Live objects the stack imports (`stacks/imports/<stage>.json`, as `adopt --write` writes). */
  readonly imports?: readonly ImportEntry[];
  /** `-target`s of the base apply (the adoption's drain machinery alone); all when absent. */
  readonly baseTargets?: readonly string[];
  /** What happens once the base stack is applied, before the rollout (faults, a hand-over). */
  readonly beforeRollout?: (aws: SimulatedAws, note: Note) => Promise<void> | void;
}

/** Puts an event of the rehearsal's own (a hand-over, say) on the timeline, at AWS time now. */
export type Note = (event: string) => void;

export interface ApplyOutcome {
  readonly status: number;
  /** Real milliseconds the apply took. */
  readonly realMs: number;
  /** Terraform's own output, for a failure's message. */
  readonly output: string;
  /** Terraform's timeouts as the stack sets them (AWS time) and as applied (real time). */
  readonly timeouts: readonly ConvertedTimeout[];
}

/** An event of the rollout, in AWS milliseconds since the rehearsal started. */
export interface RehearsalEvent {
  readonly at: number;
  readonly event: string;
}

/** A group as the simulation holds it when the rehearsal looks. */
export interface GroupSnapshot {
  readonly name: string;
  readonly desiredCapacity: number;
  readonly instances: readonly { readonly id: string; readonly state: string }[];
}

/** The drain function's decisions, from its JSON log (`action` and `instanceId`). */
export interface FunctionDecision {
  readonly at: number;
  readonly action: string;
  readonly instanceId?: string;
  readonly message?: string;
}

/**
 * What the simulated load balancer saw, per service and in all. Undefined until the simulation
 * has ECS services and a load balancer (the rehearsal's ECS layer).
 */
export interface TrafficFigures {
  readonly sent: number;
  readonly dropped: number;
  /** AWS milliseconds of the longest stretch any service ran below its desired count. */
  readonly longestBelowDesiredMs: number;
  readonly services: readonly {
    readonly name: string;
    readonly desired: number;
    readonly running: number;
    /** The AZs its running tasks are in. */
    readonly zones: readonly string[];
  }[];
}

export interface RehearsalResult {
  readonly setup: RehearsalSetup;
  readonly base: ApplyOutcome;
  readonly rollout?: ApplyOutcome;
  /** What a plan right after the last apply would still change (empty when it converged). */
  readonly pendingChanges: Record<string, string>;
  readonly calls: readonly RecordedCall[];
  readonly timeline: readonly RehearsalEvent[];
  readonly functionDecisions: readonly FunctionDecision[];
  readonly functionRuns: readonly FunctionRun[];
  readonly invocations: number;
  /** The groups once the base stack served, and at the end. */
  readonly groupsBefore: readonly GroupSnapshot[];
  readonly groupsAfter: readonly GroupSnapshot[];
  /** AWS milliseconds the whole rehearsal took. */
  readonly awsMs: number;
  readonly traffic?: TrafficFigures;
}

/** Why a rehearsal cannot run here (one line), or undefined when it can. */
export function rehearsalUnavailable(): string | undefined {
  const found = findRealProvider();
  return "missing" in found ? found.missing : undefined;
}

export async function rehearse(setup: RehearsalSetup): Promise<RehearsalResult> {
  const found = findRealProvider();
  if ("missing" in found) throw new Error(found.missing);
  const region = "us-east-1";
  const settings = setup.settings ?? (() => ({}));
  const base = synthesizeStage(editedStages(setup.stage, settings), setup.stage, setup.imports);
  const clock = scaledClock(setup.msPerSecond);
  // The runner needs the endpoint's URL, which exists only once the simulation has started.
  const started: { runner?: FunctionRunner } = {};
  const aws = await startSimulation({
    region,
    clock,
    registrationSeconds: setup.registrationSeconds,
    runFunction: (fn, payload) => started.runner?.run(fn, payload),
  });
  const runner = functionRunner(aws.server.url, region, clock);
  started.runner = runner;
  const provider = installRealProvider(found);
  const workspace = new TerraformWorkspace(provider);
  // Each synth's own folder, removed with the workspace at the end.
  const synthFolders = [base.outdir];
  // One provider process for the scenario's init, applies and plan (provider-server.ts), its
  // AWS calls going to the simulation (stack.ts).
  const providerServer = await startProviderServer(
    providerBinary(found),
    workspace.dir,
    simulatedAwsEnvironment(aws.server.url),
  );
  Object.assign(workspace.environment, providerServer.environment);
  const notes: RehearsalEvent[] = [];
  const note: Note = (event) => notes.push({ at: clock.now() - clock.startedAt, event });
  const apply = async (
    document: SynthesizedDocument,
    stackDir: string,
    { first = false, targets = [] as readonly string[] } = {},
  ) => {
    const { document: realTime, converted } = timeoutsInRealTime(document, setup.msPerSecond);
    workspace.writeStack(forRealProvider(realTime, { providerVersion: found.version }));
    copyAssets(stackDir, workspace.dir);
    if (first) await workspace.init();
    const applyStarted = Date.now();
    const result = await workspace.run(
      "apply",
      "-auto-approve",
      "-no-color",
      "-input=false",
      ...targets.map((target) => `-target=${target}`),
    );
    return {
      status: result.status,
      realMs: Date.now() - applyStarted,
      output: result.stdout + result.stderr,
      timeouts: converted,
    };
  };
  try {
    const broken = (document: SynthesizedDocument, applied: "base" | "rollout") =>
      setup.breakStack !== undefined && [applied, "both"].includes(setup.breakStack.in)
        ? setup.breakStack.edit(document)
        : document;
    await setup.prepare?.(aws);
    // The apps run once the cluster has instances: at once on adopted ones, else after the base.
    const cluster = editedStages(setup.stage, settings)[setup.stage].clusterName;
    const seed = () => seedServices(aws, cluster, setup.services ?? []);
    const seededFirst = aws.ecs.scheduler.instances.some((i) => i.cluster === cluster);
    if (seededFirst) await seed();
    const baseApply = await apply(broken(base.document, "base"), base.stackDir, {
      first: true,
      targets: setup.baseTargets,
    });
    if (!seededFirst && baseApply.status === 0) await seed();
    const groupsBefore = groupsOf(aws);
    let rolloutApply: ApplyOutcome | undefined;
    if (baseApply.status === 0 && setup.newAmiId !== undefined) {
      const newAmiId = setup.newAmiId;
      const next = synthesizeStage(
        editedStages(setup.stage, (stage) => ({ ...settings(stage), amiId: newAmiId })),
        setup.stage,
        setup.imports,
      );
      await setup.beforeRollout?.(aws, note);
      synthFolders.push(next.outdir);
      rolloutApply = await apply(broken(next.document, "rollout"), next.stackDir);
    }
    const last = rolloutApply ?? baseApply;
    const pendingChanges = last.status === 0 ? plannedActions(await workspace.plan()) : {};
    return {
      setup,
      base: baseApply,
      rollout: rolloutApply,
      pendingChanges,
      calls: [...aws.server.calls],
      timeline: [...timelineOf(aws, runner, clock), ...notes].sort((a, b) => a.at - b.at),
      functionDecisions: decisionsOf(runner),
      functionRuns: [...runner.runs],
      invocations: aws.invocations.length,
      groupsBefore,
      groupsAfter: groupsOf(aws),
      awsMs: clock.now() - clock.startedAt,
      ...(setup.services?.length ? { traffic: trafficOf(aws) } : {}),
    };
  } finally {
    providerServer.stop();
    runner.stop();
    await aws.close();
    for (const dir of [workspace.dir, provider.dir, ...synthFolders])
      fs.rmSync(dir, { recursive: true, force: true });
  }
}

function groupsOf(aws: SimulatedAws): GroupSnapshot[] {
  return [...aws.autoScaling.groups.values()].map((group) => ({
    name: group.name,
    desiredCapacity: Number(group.settings.DesiredCapacity ?? 0),
    instances: group.instances.map((i) => ({ id: i.InstanceId, state: i.LifecycleState })),
  }));
}

function decisionsOf(runner: FunctionRunner): FunctionDecision[] {
  return runner.logs.flatMap(({ at, line }) =>
    typeof line === "object" && typeof line.action === "string"
      ? [
          {
            at,
            action: line.action,
            ...(typeof line.instanceId === "string" ? { instanceId: line.instanceId } : {}),
            ...(typeof line.message === "string" ? { message: line.message } : {}),
          },
        ]
      : [],
  );
}

/** The simulation's events, the groups' creation and deletion and the function's decisions. */
function timelineOf(
  aws: SimulatedAws,
  runner: FunctionRunner,
  clock: ScaledClock,
): RehearsalEvent[] {
  const since = (awsTime = clock.startedAt) => awsTime - clock.startedAt;
  const calls = (operation: string, event: string) =>
    aws.server.calls
      .filter((call) => call.operation === operation && call.error === undefined)
      .map((call) => ({ at: since(call.awsTime), event }));
  const decisions = decisionsOf(runner).map(({ at, action, instanceId }) => ({
    at,
    event: `drain function: ${action}${instanceId ? ` ${instanceId}` : ""}`,
  }));
  return [
    ...aws.timeline.map(({ awsTime, event }) => ({ at: since(awsTime), event })),
    ...calls("CreateAutoScalingGroup", "group created (CreateAutoScalingGroup)"),
    ...calls("DeleteAutoScalingGroup", "group deleted (DeleteAutoScalingGroup)"),
    ...decisions,
  ].sort((a, b) => a.at - b.at);
}
