/**
 * A synthesized stack as the real hashicorp/aws provider of the machine's filesystem mirror
 * (5.100.0, while the stacks pin 6.25.0) can plan it offline. Every conversion is listed in
 * `CONVERSIONS` with the reason it is needed; nothing else in the document changes, so what the
 * provider plans is what it would plan for the stack itself.
 */
import type { BlockConfig, JsonValue, SynthesizedDocument } from "../../../change-set/document";
import { withLocalBackend } from "../harness";

/** The account id that stands in for STS's answer (`aws_caller_identity`). */
export const FAKE_ACCOUNT_ID = "123456789012";

export interface Conversion {
  readonly name: string;
  readonly why: string;
}

/** What `forRealProvider` changes, in the order it does it. */
export const CONVERSIONS: readonly Conversion[] = [
  {
    name: "local backend",
    why: "the S3 backend needs a bucket and credentials; the harness keeps the prior state in the working directory",
  },
  {
    name: "provider version",
    why: "required_providers pins 6.25.0; the mirror holds one version, which Terraform must be allowed to pick",
  },
  {
    name: "offline provider",
    why: "static fake credentials and skip_credentials_validation, skip_requesting_account_id, skip_metadata_api_check: the provider configures without calling STS or the instance metadata service",
  },
  {
    name: "fixed account id",
    why: "data.aws_caller_identity is an STS call at every plan; its account_id becomes a literal and the data source goes",
  },
  {
    name: "region attribute",
    why: "data.aws_region's region is called name before 6.x (same value)",
  },
  {
    name: "lambda runtime",
    why: "5.x refuses nodejs24.x as an unknown runtime (6.19.0 added it), so it plans as nodejs22.x, the newest 5.100.0 knows; a runtime is updated in place, and both sides of a change convert alike, so only a change of the runtime itself goes unseen",
  },
];

/** Lambda runtimes newer than the mirror's provider, each with the one it plans instead. */
const NEWER_RUNTIMES: Readonly<Record<string, string>> = { "nodejs24.x": "nodejs22.x" };

export interface ConversionOptions {
  /** The provider version of the mirror, e.g. 5.100.0. */
  readonly providerVersion: string;
}

/** The stack converted for the mirror's provider (see `CONVERSIONS`); the input is not changed. */
export function forRealProvider(
  document: SynthesizedDocument,
  options: ConversionOptions,
): SynthesizedDocument {
  const local = withLocalBackend(document);
  const terraform = { ...(local.terraform as Record<string, JsonValue>) };
  const required = { ...(terraform.required_providers as Record<string, JsonValue> | undefined) };
  if (required.aws !== undefined) {
    required.aws = { ...(required.aws as BlockConfig), version: options.providerVersion };
  }
  terraform.required_providers = required;

  const callerIdentities = Object.keys(document.data?.aws_caller_identity ?? {});
  let text = JSON.stringify({ resource: local.resource, data: local.data });
  for (const name of callerIdentities) {
    text = text.replaceAll(`\${data.aws_caller_identity.${name}.account_id}`, FAKE_ACCOUNT_ID);
    if (text.includes(`data.aws_caller_identity.${name}`)) {
      throw new Error(
        `data.aws_caller_identity.${name} is used for more than its account_id; the conversion for the real provider only knows account_id`,
      );
    }
  }
  text = text.replace(/(\bdata\.aws_region\.[\w-]+)\.region\b/g, "$1.name");
  const blocks = JSON.parse(text) as Pick<SynthesizedDocument, "resource" | "data">;
  const data = { ...blocks.data };
  delete data.aws_caller_identity;

  const resource = withKnownRuntimes(blocks.resource);
  return {
    ...local,
    terraform,
    provider: { aws: providersOf(local).map(offline) },
    ...(resource === undefined ? {} : { resource }),
    ...(Object.keys(data).length === 0 ? {} : { data }),
  };
}

function withKnownRuntimes(
  resource: SynthesizedDocument["resource"],
): SynthesizedDocument["resource"] {
  const functions = resource?.aws_lambda_function;
  if (functions === undefined) return resource;
  const known = Object.entries(functions).map(([name, config]) => {
    const plannedAs = NEWER_RUNTIMES[config.runtime as string];
    return [name, plannedAs === undefined ? config : { ...config, runtime: plannedAs }];
  });
  return { ...resource, aws_lambda_function: Object.fromEntries(known) };
}

function providersOf(document: SynthesizedDocument): BlockConfig[] {
  const aws = (document.provider as Record<string, JsonValue> | undefined)?.aws;
  if (aws === undefined) return [{}];
  return (Array.isArray(aws) ? aws : [aws]) as BlockConfig[];
}

function offline(config: BlockConfig): BlockConfig {
  return {
    ...config,
    access_key: "offline",
    secret_key: "offline",
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
  };
}
