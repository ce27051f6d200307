/**
 * Time kept free at the end of an invocation for the last DescribeContainerInstances, then
 * RecordLifecycleActionHeartbeat and Publish: each at worst `MAX_ATTEMPTS` × `REQUEST_TIMEOUT_MS`
 * (aws-clients.ts) plus about 3 s of throttling backoff (≈ 18 s, ≈ 54 s for the three).
 * Of a 900 s Lambda timeout it leaves 840 s, so one invocation per 14 minutes of drain.
 *
 * A module of its own, free of imports, because the InstanceDrain construct checks the Lambda
 * timeout against it at synth time.
 */
export const SAFETY_MARGIN_MS = 60_000;
