// The drain's own timing, in a module free of imports: the InstanceDrain construct checks the
// Lambda timeout and the hook's heartbeat against it at synth time.

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
