/**
 * A running sandbox: the simulated AWS on loopback holding the sandbox's account, every stage of
 * the practice checkout's stages file applied by Terraform with the real provider (at once, each
 * in its own workspace), the drain function running from the zip the provider uploaded (the
 * rehearsal's function runner), the apps seeded as ECS services behind the load balancer, the
 * newer ECS-optimized AMI published in SSM, and a drill's fault armed. It stays up, logging what
 * happens in AWS time, until stopped.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readStages, type StageConfig } from "../../config/stages";
import { recommendedParameterName } from "../../ops/ami/ecs-ami";
import { scaledClock, type ScaledClock } from "../clock";
import { startSimulation, type SimulatedAws } from "../aws/simulation";
import { functionRunner, type FunctionRunner } from "../rehearsal/function-runner";
import { TIMELINE_EVENTS } from "../rehearsal/report";
import { APP_SERVICES, seedServices, type AppService } from "../rehearsal/services";
import { TerraformWorkspace } from "../terraform/harness";
import { findRealProvider, installRealProvider } from "../terraform/real-provider/mirror";
import { blipAgentDuringFirstRollout } from "./agent-blip";
import type { Drill } from "./drills";
import { makePracticeCheckout } from "./practice-checkout";
import { NEWER_IMAGE, sandboxAccount } from "./sandbox-account";
import { CHECKOUT_DIR, writeSandboxState, type SandboxState } from "./sandbox-state";
import { writeStageStack } from "./stage-stack";

export interface SandboxOptions {
  /** Seconds of AWS time per real second. */
  readonly rate: number;
  readonly drill?: Drill;
  /** The repository the practice checkout is cloned from. */
  readonly projectDir: string;
  /** Progress and the live log, one line each. */
  readonly log: (line: string) => void;
  /** Aborted: the start-up stops at its next step and removes what it made. */
  readonly signal?: AbortSignal;
}

export interface RunningSandbox {
  readonly dir: string;
  readonly url: string;
  readonly region: string;
  /** The practice checkout's stages file. */
  readonly stagesFile: string;
  readonly aws: SimulatedAws;
  stop(): Promise<void>;
}

/** Seconds of AWS time from an instance's boot to its ECS agent registering it. */
const REGISTRATION_SECONDS = 60;
/** The apps of a stage the rehearsal does not know (the stages file names the stages). */
const DEFAULT_SERVICES: readonly AppService[] = [{ serviceName: "web", desiredCount: 2 }];

export async function startSandbox(options: SandboxOptions): Promise<RunningSandbox> {
  const found = findRealProvider();
  if ("missing" in found) throw new SandboxError(found.missing);
  const { log } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apps-cluster-sandbox-"));
  const cleanups: (() => void | Promise<void>)[] = [
    () => fs.rmSync(dir, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    let account: ReturnType<typeof sandboxAccount> | undefined;
    const stagesFile = makePracticeCheckout(
      options.projectDir,
      path.join(dir, CHECKOUT_DIR),
      (text) => {
        account = sandboxAccount(text, "stacks/stages.json");
        return account.stagesText;
      },
    );
    if (account === undefined) throw new SandboxError("the practice checkout has no stages file");
    const stages = readStages(stagesFile);
    const stageNames = Object.keys(stages) as (keyof typeof stages)[];
    const region = stages[stageNames[0]].region;
    const clock = scaledClock(1000 / options.rate);
    const started: { runner?: FunctionRunner } = {};
    const aws = await startSimulation({
      region,
      clock,
      registrationSeconds: REGISTRATION_SECONDS,
      account: account.account,
      runFunction: (fn, payload) => started.runner?.run(fn, payload),
    });
    cleanups.push(() => aws.close());
    const runner = functionRunner(aws.server.url, region, clock);
    started.runner = runner;
    cleanups.push(() => runner.stop());
    publishAccount(aws, account.topicArns);

    const provider = installRealProvider(found);
    cleanups.push(() => fs.rmSync(provider.dir, { recursive: true, force: true }));
    const state: SandboxState = {
      url: aws.server.url,
      region,
      msPerSecond: clock.msPerSecond,
      startedAt: clock.startedAt,
      providerVersion: found.version,
      cliConfigFile: provider.cliConfigFile,
      workspaces: Object.fromEntries(
        stageNames.map((stage) => [stage, path.join(dir, "terraform", stage)]),
      ),
    };
    log(
      `applying ${stageNames.join(", ")} with hashicorp/aws ${found.version} against the simulated AWS at ${aws.server.url} (AWS time ×${options.rate})...`,
    );
    await Promise.all(
      stageNames.map(async (stage) => {
        const applyStarted = Date.now();
        fs.mkdirSync(state.workspaces[stage], { recursive: true });
        const workspace = new TerraformWorkspace(provider, state.workspaces[stage]);
        writeStageStack(workspace, stagesFile, stage, state);
        await workspace.init();
        const applied = await workspace.run("apply", "-auto-approve", "-no-color", "-input=false");
        if (applied.status !== 0) {
          const reason = /Error: (.*)/.exec(applied.stderr + applied.stdout)?.[1] ?? "no message";
          throw new SandboxError(`${stage}: the apply of its stack failed: ${reason}`);
        }
        const services = servicesOf(stage, options.drill);
        await seedServices(aws, stages[stage].clusterName, services);
        log(
          `${stage}: applied in ${Math.round((Date.now() - applyStarted) / 1000)} s; ${stages[stage].clusterName} runs ${services.map((s) => `${s.serviceName} (${s.desiredCount})`).join(", ")}`,
        );
      }),
    );
    options.signal?.throwIfAborted();
    writeSandboxState(dir, state);
    options.drill?.arm(aws, NEWER_IMAGE.imageId);
    cleanups.push(
      blipAgentDuringFirstRollout(
        aws,
        stageNames.map((stage) => blipTarget(stages[stage])),
        log,
      ),
    );
    cleanups.push(followTimeline(aws, clock, runner, log));
    return { dir, url: aws.server.url, region, stagesFile, aws, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A failure the sandbox reports in one line (a missing provider, a base apply that failed). */
export class SandboxError extends Error {}

function servicesOf(stage: string, drill: Drill | undefined): readonly AppService[] {
  const services = (APP_SERVICES as Readonly<Record<string, readonly AppService[]>>)[stage];
  const apps = services ?? DEFAULT_SERVICES;
  return drill?.services?.(apps) ?? apps;
}

function blipTarget(stage: StageConfig) {
  return {
    cluster: stage.clusterName,
    baseAmiId: stage.amiId,
    desiredCapacity: stage.desiredCapacity,
  };
}

/** The newer AMI in SSM (both its parameters), the alarm topics in SNS. */
function publishAccount(aws: SimulatedAws, topicArns: readonly string[]): void {
  const recommended = {
    image_id: NEWER_IMAGE.imageId,
    image_name: NEWER_IMAGE.name,
    ecs_agent_version: "1.89.0",
    os: "Amazon Linux 2023",
  };
  const name = recommendedParameterName("al2023", "x86_64");
  aws.ssm.put(name, JSON.stringify(recommended));
  aws.ssm.put(`${name}/image_id`, NEWER_IMAGE.imageId);
  for (const arn of topicArns) {
    const [, , , topicRegion, , topicName] = arn.split(":");
    aws.sns.handle({
      operation: "CreateTopic",
      params: { Name: topicName },
      region: topicRegion,
      method: "POST",
      path: "/",
    });
  }
}

/** Prints the simulation's events and the drain function's decisions as they happen. */
function followTimeline(
  aws: SimulatedAws,
  clock: ScaledClock,
  runner: FunctionRunner,
  log: (line: string) => void,
): () => void {
  let events = aws.timeline.length;
  let decisions = runner.logs.length;
  const stamp = (awsTime: number) => new Date(awsTime).toISOString().slice(11, 19);
  const timer = setInterval(() => {
    for (const { awsTime, event } of aws.timeline.slice(events)) {
      if (TIMELINE_EVENTS.test(event)) log(`${stamp(awsTime)} AWS  ${event}`);
    }
    events = aws.timeline.length;
    for (const { at, line } of runner.logs.slice(decisions)) {
      if (typeof line !== "object" || typeof line.action !== "string") continue;
      const instance = typeof line.instanceId === "string" ? ` ${line.instanceId}` : "";
      log(
        `${stamp(clock.startedAt + at)} AWS  drain function: ${line.action}${instance}${line.level === "error" || line.level === "warn" ? ` (${String(line.message ?? "")})` : ""}`,
      );
    }
    decisions = runner.logs.length;
  }, 250);
  return () => clearInterval(timer);
}
