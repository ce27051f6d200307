import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError, describeValue } from "../config/config-error";
import { regionProblem } from "../config/aws-rules/regions";

/**
 * The AWS clients of the commands, each loaded on first use so that `--help` and `ami show`
 * never load an SDK. Region is the stage's; credentials, retries and endpoint (AWS_ENDPOINT_URL)
 * come from the SDK's defaults. Before a client is made, the environment it will read is
 * checked, so a mistake there is one line rather than the SDK's stack trace or a vague
 * "could not load credentials".
 */

/**
 * The SDK waits forever by default: for a connection to an endpoint that never accepts one, and
 * for an answer from one that accepts and never answers. Every call the CLI makes answers in
 * well under a second; these bound each attempt (the SDK retries up to 3 times in all).
 */
export const AWS_CONNECTION_TIMEOUT_MS = 5_000;
export const AWS_REQUEST_TIMEOUT_MS = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What every client is made with: the region, and the SDK's own node handler with its
 * timeouts. `signal`, when given, ends any call still in flight once it aborts (a command's
 * `--timeout`, Ctrl-C): a timeout per attempt alone still lets retries outlast the command.
 */
export async function clientConfig(region: string, signal?: AbortSignal, env: Env = process.env) {
  await checkAwsSetup(region, env);
  const { NodeHttpHandler } = await import("@smithy/node-http-handler");
  const timeouts = {
    connectionTimeout: AWS_CONNECTION_TIMEOUT_MS,
    requestTimeout: AWS_REQUEST_TIMEOUT_MS,
    // Without it, the handler only logs a warning when the request timeout passes.
    throwOnRequestTimeout: true,
  };
  if (signal === undefined) return { region, requestHandler: new NodeHttpHandler(timeouts) };
  class CommandBoundHandler extends NodeHttpHandler {
    override handle(
      ...[request, options = {}]: Parameters<InstanceType<typeof NodeHttpHandler>["handle"]>
    ) {
      return super.handle(request, { ...options, abortSignal: options.abortSignal ?? signal });
    }
  }
  return { region, requestHandler: new CommandBoundHandler(timeouts) };
}

/** Everything below, before a client is made (also by `npm run diff|deploy`). */
export async function checkAwsSetup(region: string, env: Env): Promise<void> {
  checkAwsEnvironment(region, env);
  const profile = env.AWS_PROFILE;
  if (profile !== undefined && profile !== "") await checkProfileExists(profile, env);
}

/**
 * Throws a ConfigError for what the SDK would otherwise fail on with a stack trace or a vague
 * "not found": a region that does not exist, an endpoint variable that is not a URL.
 */
export function checkAwsEnvironment(region: string, env: Env): void {
  const problem = regionProblem(region);
  if (problem !== undefined) throw new ConfigError(`region ${describeValue(region)}: ${problem}`);
  for (const [name, value] of Object.entries(env)) {
    // An empty variable is one not set, for the SDK as for a shell.
    if (!/^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/.test(name) || !value) continue;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw new ConfigError(
        `${name} must be an http(s) URL like http://localhost:4566, got ${describeValue(value)}; fix it, or unset it to reach AWS itself`,
      );
    }
  }
}

/**
 * A named profile that is in no AWS config file makes the SDK's credential chain fail with
 * "Could not load credentials from any providers", which does not say which profile.
 */
async function checkProfileExists(profile: string, env: Env): Promise<void> {
  // The SDK's own reader of the config and credentials files (AWS_CONFIG_FILE and
  // AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials).
  const { loadSharedConfigFiles } = await import("@smithy/core/config");
  const configFile = env.AWS_CONFIG_FILE ?? "~/.aws/config";
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials";
  const files = await loadSharedConfigFiles({
    configFilepath: env.AWS_CONFIG_FILE,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE,
  });
  if (Object.hasOwn(files.configFile, profile) || Object.hasOwn(files.credentialsFile, profile)) {
    return;
  }
  throw new ConfigError(
    `AWS profile ${describeValue(profile)} (AWS_PROFILE) is in neither ${configFile} nor ${credentialsFile}; "aws configure list-profiles" lists the profiles there`,
  );
}

export async function ssmClient(region: string, signal?: AbortSignal): Promise<SSMClient> {
  const { SSMClient } = await import("@aws-sdk/client-ssm");
  return new SSMClient(await clientConfig(region, signal));
}

export async function ec2Client(region: string, signal?: AbortSignal): Promise<EC2Client> {
  const { EC2Client } = await import("@aws-sdk/client-ec2");
  return new EC2Client(await clientConfig(region, signal));
}

export async function ecsClient(region: string, signal?: AbortSignal): Promise<ECSClient> {
  const { ECSClient } = await import("@aws-sdk/client-ecs");
  return new ECSClient(await clientConfig(region, signal));
}

export async function autoScalingClient(
  region: string,
  signal?: AbortSignal,
): Promise<AutoScalingClient> {
  const { AutoScalingClient } = await import("@aws-sdk/client-auto-scaling");
  return new AutoScalingClient(await clientConfig(region, signal));
}

export async function snsClient(region: string, signal?: AbortSignal): Promise<SNSClient> {
  const { SNSClient } = await import("@aws-sdk/client-sns");
  return new SNSClient(await clientConfig(region, signal));
}

/** IAM is global: the SDK signs for the partition's IAM endpoint whatever the region. */
export async function iamClient(region: string, signal?: AbortSignal): Promise<IAMClient> {
  const { IAMClient } = await import("@aws-sdk/client-iam");
  return new IAMClient(await clientConfig(region, signal));
}

/** Follows S3's redirect to a bucket's own region, so a bucket elsewhere is found and named. */
export async function s3Client(region: string, signal?: AbortSignal): Promise<S3Client> {
  const { S3Client } = await import("@aws-sdk/client-s3");
  return new S3Client({ ...(await clientConfig(region, signal)), followRegionRedirects: true });
}
