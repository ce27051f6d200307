import type { Logger } from "./log";

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
  const cluster = env.CLUSTER_NAME?.trim();
  return {
    pollMs: seconds("POLL_SECONDS", DEFAULT_POLL_SECONDS) * 1000,
    maxDrainMs: seconds("MAX_DRAIN_SECONDS", DEFAULT_MAX_DRAIN_SECONDS) * 1000,
    registrationTimeoutMs:
      seconds("REGISTRATION_TIMEOUT_SECONDS", DEFAULT_REGISTRATION_TIMEOUT_SECONDS) * 1000,
    defaultCluster: cluster === "" ? undefined : cluster,
  };
}
