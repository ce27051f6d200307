// The contract between the drain function and its construct (constructs/instance-drain.ts):
// the environment variables the construct sets and the function reads, their defaults, and the
// margins the construct checks its timeouts against. Both import this one module, so neither
// can rename a variable or change a margin without the other seeing it.

import type { Logger } from "./log";

/** The environment variables of the function, by the setting each one carries. */
export const DRAIN_ENVIRONMENT = {
  /** The cluster when the hook's metadata names none. */
  clusterName: "CLUSTER_NAME",
  /** Seconds between two looks at an instance. */
  pollSeconds: "POLL_SECONDS",
  /** Seconds of draining after which an instance is released anyway. */
  maxDrainSeconds: "MAX_DRAIN_SECONDS",
  /** Seconds a new instance gets to register with the cluster. */
  registrationTimeoutSeconds: "REGISTRATION_TIMEOUT_SECONDS",
} as const;

/** What the construct passes to the function. */
export type DrainSettings = {
  readonly [K in keyof typeof DRAIN_ENVIRONMENT]: K extends "clusterName" ? string : number;
};

/** The function's environment for `settings`, as the construct declares it. */
export function drainEnvironment(settings: DrainSettings): Record<string, string> {
  return {
    [DRAIN_ENVIRONMENT.clusterName]: settings.clusterName,
    [DRAIN_ENVIRONMENT.pollSeconds]: String(settings.pollSeconds),
    [DRAIN_ENVIRONMENT.maxDrainSeconds]: String(settings.maxDrainSeconds),
    [DRAIN_ENVIRONMENT.registrationTimeoutSeconds]: String(settings.registrationTimeoutSeconds),
  };
}

/** Seconds between two looks at the instance's task counts when `POLL_SECONDS` is unset. */
export const DEFAULT_POLL_SECONDS = 10;

/** Seconds after the notification's `Time` at which the instance is released anyway. */
export const DEFAULT_MAX_DRAIN_SECONDS = 3600;

/**
 * Seconds a new instance gets to register with the cluster when `REGISTRATION_TIMEOUT_SECONDS`
 * is unset: the launch hook's heartbeat timeout, after which Auto Scaling abandons it anyway.
 */
export const DEFAULT_REGISTRATION_TIMEOUT_SECONDS = 600;

/** Settings read from the Lambda's environment on every invocation. */
export interface DrainConfig {
  /** `POLL_SECONDS` in milliseconds. */
  readonly pollMs: number;
  /** `MAX_DRAIN_SECONDS` in milliseconds. */
  readonly maxDrainMs: number;
  /** `REGISTRATION_TIMEOUT_SECONDS` in milliseconds. */
  readonly registrationTimeoutMs: number;
  /** `CLUSTER_NAME`: the cluster when the hook's metadata names none. */
  readonly defaultCluster?: string;
}

/** The environment variables the handler reads; `process.env` in the Lambda. */
export type DrainEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the drain settings. A bad value is a deployment bug rather than a bad
 * message, so it is logged once (naming variable and value) and thrown: the failed invocation
 * shows up in the function's error metric instead of silently draining with a guessed setting.
 */
export function readConfig(env: DrainEnvironment, log: Logger): DrainConfig {
  const seconds = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (value > 0) return value;
    const message = `${name} must be a positive number of seconds, got ${JSON.stringify(raw)}`;
    log({ level: "error", action: "reject-configuration", message, variable: name, value: raw });
    throw new Error(message);
  };
  const cluster = env[DRAIN_ENVIRONMENT.clusterName]?.trim();
  return {
    pollMs: seconds(DRAIN_ENVIRONMENT.pollSeconds, DEFAULT_POLL_SECONDS) * 1000,
    maxDrainMs: seconds(DRAIN_ENVIRONMENT.maxDrainSeconds, DEFAULT_MAX_DRAIN_SECONDS) * 1000,
    registrationTimeoutMs:
      seconds(DRAIN_ENVIRONMENT.registrationTimeoutSeconds, DEFAULT_REGISTRATION_TIMEOUT_SECONDS) *
      1000,
    defaultCluster: cluster === "" ? undefined : cluster,
  };
}

/**
 * Time kept free at the end of an invocation for the last DescribeContainerInstances, then
 * RecordLifecycleActionHeartbeat and Publish: each at worst `MAX_ATTEMPTS` × `REQUEST_TIMEOUT_MS`
 * (aws-clients.ts) plus about 3 s of throttling backoff (≈ 18 s, ≈ 54 s for the three).
 * Of a 900 s Lambda timeout it leaves 840 s, so one invocation per 14 minutes of drain.
 */
export const SAFETY_MARGIN_MS = 60_000;

/**
 * How often a drain records a lifecycle heartbeat while tasks remain. Independent of the Lambda
 * timeout, so an old ASG's hook keeps its instances even when a rollout also changes the
 * function's timeout (the old hook's heartbeat may be shorter than the new invocation).
 * The construct's shortest allowed heartbeat (420 s) leaves room for a poll and a retry.
 */
export const HEARTBEAT_INTERVAL_MS = 300_000;
