import {
  isServerError,
  isThrottlingError,
  isTransientError as isTransientAwsError,
} from "@smithy/core/retry";
import type { SdkError } from "@smithy/types";
import { ConfigError } from "../config/config-error";

/**
 * Turns the errors an operator can cause or meet (config mistakes, credentials, permissions,
 * missing resources, throttling, an unreachable endpoint) into one line. Anything else is a bug
 * and keeps its stack trace.
 */

// Throttling, network and timeout errors are classified by the SDK's own retry rules
// (@smithy/core/retry), so the CLI calls an error transient exactly when the SDK would retry it.
const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);
const BAD_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "AuthFailure",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired"]);

/** An SDK error, or a Node.js network error the SDK passes on (its `code`). */
type AwsLikeError = SdkError & { code?: string; $response?: unknown };

export function describeKnownError(
  error: unknown,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (error instanceof ConfigError) return error.message;
  if (typeof error !== "object" || error === null) return undefined;
  const { name = "", message = "", code, $fault, $metadata } = error as AwsLikeError;
  const detail = `${name}: ${message}`;
  if (name === "CredentialsProviderError") {
    return `no AWS credentials found (${message}); set AWS_PROFILE (and run "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`;
  }
  if (EXPIRED.has(name)) return `AWS credentials have expired (${detail}); log in again`;
  if (BAD_CREDENTIALS.has(name)) return `AWS rejected the credentials (${detail})`;
  if (isAccessDenied(error)) {
    return `AWS denied access (${ACCESS_DENIED.has(name) ? detail : "HTTP 403 without a reason"})`;
  }
  if (name === "ClusterNotFoundException") return `ECS cluster not found (${detail})`;
  if (name === "ParameterNotFound") return `SSM parameter not found (${detail})`;
  const awsError = error as AwsLikeError;
  if (isThrottlingError(awsError)) {
    const attempts = $metadata?.attempts ?? 1;
    return `AWS throttled the request (${name}) and it still failed after ${attempts} attempt(s); wait a minute and run it again`;
  }
  if (code !== undefined && isTransientAwsError(awsError)) {
    const where = env.AWS_ENDPOINT_URL ? ` at ${env.AWS_ENDPOINT_URL} (AWS_ENDPOINT_URL)` : "";
    return `cannot reach AWS${where}: ${code}`;
  }
  // The SDK checks a region only when it builds the endpoint.
  if (message.startsWith("Region not accepted")) return message;
  if (name === "TimeoutError") return `AWS did not answer in time (${message})`;
  const status = $metadata?.httpStatusCode;
  if ($fault === "server") {
    const attempts = $metadata?.attempts ?? 1;
    return `AWS failed on its side (HTTP ${status}, ${detail}) ${attempts === 1 ? "once" : `${attempts} times`}; try again later`;
  }
  if ($fault !== undefined) return `AWS request failed (${detail})`;
  // The SDK adds `$response` to an error it met reading the answer (a body cut off, not XML).
  if (awsError.$response !== undefined) {
    return `AWS's answer could not be read (HTTP ${status}, ${message.split("\n")[0]})`;
  }
  return undefined;
}

/**
 * Whether AWS answered this one call with nothing the caller can use — refused, throttled or
 * failed after the SDK's retries, or a body the SDK could not read — while other calls may
 * still work: unlike credentials it rejects, or no answer at all, which stop every call.
 */
export function isUnusableAnswer(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name = "", $metadata, $response } = error as AwsLikeError;
  const answered = $metadata?.httpStatusCode !== undefined || $response !== undefined;
  return answered && !EXPIRED.has(name) && !BAD_CREDENTIALS.has(name);
}

/** Whether AWS refused the call for lack of permission (the caller may still make others). */
function isAccessDenied(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name = "", $metadata } = error as AwsLikeError;
  if (ACCESS_DENIED.has(name)) return true;
  // S3 answers a HEAD it refuses with a bare 403, which the SDK cannot name; credentials it
  // rejects are named, and are not a matter of permission.
  return $metadata?.httpStatusCode === 403 && !EXPIRED.has(name) && !BAD_CREDENTIALS.has(name);
}

/** Errors worth trying again later: throttling, the network, a fault on AWS's side. */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const awsError = error as AwsLikeError;
  return isThrottlingError(awsError) || isTransientAwsError(awsError) || isServerError(awsError);
}
