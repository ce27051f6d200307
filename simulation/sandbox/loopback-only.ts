/**
 * The sandbox never talks to a real AWS account. The SDK and the provider read endpoints from
 * the environment: `AWS_ENDPOINT_URL`, which the sandbox's exports replace, and
 * `AWS_ENDPOINT_URL_<SERVICE>`, which would outrank it for that service; and they can be told to
 * ignore them (`AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`). A profile (`AWS_PROFILE`) would outrank
 * the sandbox's static credentials: the exports unset it.
 */

type Env = Readonly<Record<string, string | undefined>>;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Whether `url` is an http URL on this machine. */
export function isLoopback(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && LOOPBACK_HOSTS.has(hostname);
}

/** Why this environment could reach past the simulation (one line), or undefined. */
export function pointsPastLoopback(env: Env): string | undefined {
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (name === "AWS_ENDPOINT_URL" && !isLoopback(value))
      return `${name}=${value} points past this machine; unset it first`;
    if (/^AWS_ENDPOINT_URL_[A-Z0-9_]+$/.test(name))
      return `${name}=${value} would outrank the sandbox's endpoint for that service; unset it first`;
    if (name === "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS" && value !== "false")
      return `${name}=${value} makes the SDK ignore the sandbox's endpoint; unset it first`;
  }
  return undefined;
}

/** The shell lines that point the CLI (and the AWS CLI) at the sandbox, and at nothing else. */
export function exportLines(url: string, region: string, stagesFile: string): string[] {
  return [
    "unset AWS_PROFILE AWS_SESSION_TOKEN AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    `export AWS_ENDPOINT_URL=${url}`,
    `export AWS_REGION=${region}`,
    "export AWS_ACCESS_KEY_ID=sandbox",
    "export AWS_SECRET_ACCESS_KEY=sandbox",
    `export STAGES_FILE=${stagesFile}`,
  ];
}
