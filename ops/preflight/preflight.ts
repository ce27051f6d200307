import type { StageConfig, StageName } from "../../config/stages";
import { alarmTopicChecks } from "./alarm-topic";
import { ecsClusterChecks } from "./ecs-cluster";
import type { CheckFamily, Finding, PreflightClients } from "./finding";
import { imageChecks } from "./image";
import { instanceProfileChecks } from "./instance-profile";
import { instanceTypeChecks } from "./instance-type";
import { keyPairChecks } from "./key-pair";
import { networkChecks } from "./network";
import { stateBucketChecks } from "./state-bucket";

/**
 * `check`'s run over one stage: every family of checks against the live account, read-only, at
 * once. A family whose answers it cannot use (access denied, throttled or failed after the SDK's
 * retries, a body cut off) is reported by name and the others still run; an error that would
 * stop them all (no credentials, AWS unreachable) ends the run.
 */

/** The families, in the order the report lists them. */
export const CHECK_FAMILIES: readonly CheckFamily[] = [
  imageChecks,
  instanceTypeChecks,
  networkChecks,
  keyPairChecks,
  instanceProfileChecks,
  stateBucketChecks,
  alarmTopicChecks,
  ecsClusterChecks,
];

export interface StageFinding extends Finding {
  /** The family that found it ("the AMI"). */
  readonly check: string;
}

export interface UncheckedFamily {
  readonly check: string;
  /** Why it could not run, one line. */
  readonly reason: string;
}

export interface StageReport {
  readonly stage: StageName;
  readonly region: string;
  readonly clusterName: string;
  /** The families that ran to the end. */
  readonly checked: readonly string[];
  readonly findings: readonly StageFinding[];
  readonly unchecked: readonly UncheckedFamily[];
}

/**
 * Runs every family on one stage. `couldNotRun` gives the one-line reason for an error that
 * stops only its own family (an AWS answer it cannot use), and `undefined` for one that stops
 * the whole run (it is thrown on).
 */
export async function checkStage(
  stage: StageName,
  config: StageConfig,
  aws: PreflightClients,
  couldNotRun: (error: unknown) => string | undefined,
): Promise<StageReport> {
  const outcomes = await Promise.all(
    CHECK_FAMILIES.map(async (family) => {
      try {
        return { family, findings: await family.run({ name: stage, config }, aws) };
      } catch (error) {
        const reason = couldNotRun(error);
        if (reason === undefined) throw error;
        return { family, reason };
      }
    }),
  );
  return {
    stage,
    region: config.region,
    clusterName: config.clusterName,
    checked: outcomes.flatMap(({ family, findings }) => (findings ? [family.name] : [])),
    findings: outcomes.flatMap(({ family, findings = [] }) =>
      findings.map((finding) => ({ check: family.name, ...finding })),
    ),
    unchecked: outcomes.flatMap(({ family, reason }) =>
      reason === undefined ? [] : [{ check: family.name, reason }],
    ),
  };
}
