import { ConfigError } from "../config/config-error";

/**
 * Turns the errors an operator can cause or meet (config mistakes, credentials, permissions,
 * missing resources, throttling, an unreachable endpoint) into one line. Anything else is a bug
 * and keeps its stack trace.
 */

const THROTTLING = new Set([
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestThrottled",
  "RequestThrottledException",
]);
const ACCESS_DENIED = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation"]);
const BAD_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "AuthFailure",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
]);
const EXPIRED = new Set(["ExpiredToken", "ExpiredTokenException", "RequestExpired"]);
const NETWORK = new Set(["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "ECONNRESET", "EAI_AGAIN"]);

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { attempts?: number };
}

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
  if (ACCESS_DENIED.has(name)) return `AWS denied access (${detail})`;
  if (EXPIRED.has(name)) return `AWS credentials have expired (${detail}); log in again`;
  if (BAD_CREDENTIALS.has(name)) return `AWS rejected the credentials (${detail})`;
  if (name === "ClusterNotFoundException") return `ECS cluster not found (${detail})`;
  if (name === "ParameterNotFound") return `SSM parameter not found (${detail})`;
  if (THROTTLING.has(name)) {
    const attempts = $metadata?.attempts ?? 1;
    return `AWS throttled the request (${name}) and it still failed after ${attempts} attempt(s); wait a minute and run it again`;
  }
  if (code !== undefined && NETWORK.has(code)) {
    const where = env.AWS_ENDPOINT_URL ? ` at ${env.AWS_ENDPOINT_URL} (AWS_ENDPOINT_URL)` : "";
    return `cannot reach AWS${where}: ${code}`;
  }
  // The SDK checks a region only when it builds the endpoint.
  if (message.startsWith("Region not accepted")) return message;
  if (name === "TimeoutError") return `AWS did not answer in time (${message})`;
  if ($fault !== undefined) return `AWS request failed (${detail})`;
  return undefined;
}

/** Errors worth trying again later: throttling, the network, a fault on AWS's side. */
export function isTransientError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name = "", code, $fault } = error as AwsLikeError;
  return (
    THROTTLING.has(name) ||
    (code !== undefined && NETWORK.has(code)) ||
    name === "TimeoutError" ||
    $fault === "server"
  );
}
