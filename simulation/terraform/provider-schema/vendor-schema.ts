/**
 * Regenerates aws-provider-schema.json: the schema of the pinned hashicorp/aws version for
 * exactly the resource and data-source types the synthesized stacks use.
 *
 *   npm run tf:vendor-schema
 *       installs the pinned provider in a temporary directory (needs the Terraform registry) and
 *       reads `terraform providers schema -json`;
 *   npm run tf:vendor-schema -- --from <file>
 *       reads a saved `terraform providers schema -json` output instead (give the version it
 *       was made with as --version, unless the file is an extract that records provider_version).
 *
 * The provider block's own schema is kept from the current vendored file when the input has none.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { types } from "node:util";
import { SCHEMA_FILE, type TypeSchema, type VendoredSchema } from "./schema";
import { everyLaunchKind, pinnedAwsVersion, typesUsed } from "./stack-types";

interface ProviderSchemas {
  readonly provider_schemas: Record<
    string,
    {
      readonly provider?: TypeSchema;
      readonly resource_schemas?: Record<string, TypeSchema>;
      readonly data_source_schemas?: Record<string, TypeSchema>;
    }
  >;
}

interface Extract {
  readonly provider_version: string;
  readonly provider?: TypeSchema;
  readonly resource: Record<string, TypeSchema>;
  readonly data: Record<string, TypeSchema>;
}

const AWS = "registry.terraform.io/hashicorp/aws";

async function main(argv: readonly string[]): Promise<void> {
  // The arguments and a given file are checked before the stacks are synthesized (a second).
  const from = option(argv, "--from");
  const givenVersion = option(argv, "--version");
  const given = from === undefined ? undefined : readJson(from);
  const givenSchemas = given === undefined ? undefined : normalize(given);
  const { readStages } = await import("../../../config/stages");
  const { synthStages } = await import("../../fixtures");
  const documents = everyLaunchKind(readStages("stacks/stages.json")).flatMap((stages) =>
    Object.values(synthStages(stages)),
  );
  const pinned = pinnedAwsVersion(documents);
  const input = given ?? installAndRead(pinned);
  const version = givenVersion ?? versionOf(input) ?? pinned;
  const full = givenSchemas ?? normalize(input);
  const used = typesUsed(documents);
  const missing = [
    ...used.resource.filter((t) => !full.resource[t]).map((t) => `resource ${t}`),
    ...used.data.filter((t) => !full.data[t]).map((t) => `data ${t}`),
  ];
  if (missing.length > 0) throw new UsageError(`the input has no schema for ${missing.join(", ")}`);

  const current = fs.existsSync(SCHEMA_FILE)
    ? (readJson(SCHEMA_FILE) as VendoredSchema)
    : undefined;
  const provider = full.provider ?? current?.provider;
  if (provider === undefined) throw new UsageError("the input has no provider block schema");
  const vendored: VendoredSchema = {
    provider_version: version,
    source:
      from === undefined
        ? `terraform providers schema -json of hashicorp/aws ${version}`
        : `${path.basename(from)} (hashicorp/aws ${version})`,
    provider,
    resource: pick(full.resource, used.resource),
    data: pick(full.data, used.data),
  };
  fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(vendored, null, 2)}\n`);
  console.log(
    `wrote ${path.relative(process.cwd(), SCHEMA_FILE)}: hashicorp/aws ${version}, ` +
      `${used.resource.length} resource and ${used.data.length} data-source types`,
  );
}

function installAndRead(version: string): unknown {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-schema-"));
  try {
    const config = {
      terraform: { required_providers: { aws: { source: "hashicorp/aws", version } } },
    };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config));
    const run = (...args: string[]) =>
      execFileSync("terraform", args, { cwd: dir, encoding: "utf8", maxBuffer: 1 << 30 });
    run("init", "-input=false", "-backend=false");
    return JSON.parse(run("providers", "schema", "-json"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function normalize(input: unknown): Extract {
  if (isRecord(input) && isRecord(input.provider_schemas)) {
    const aws = (input as unknown as ProviderSchemas).provider_schemas[AWS];
    if (aws === undefined) throw new UsageError(`the input has no schemas for ${AWS}`);
    return {
      provider_version: "",
      provider: aws.provider,
      resource: aws.resource_schemas ?? {},
      data: aws.data_source_schemas ?? {},
    };
  }
  if (isRecord(input) && isRecord(input.resource) && isRecord(input.data))
    return input as unknown as Extract;
  throw new UsageError("the input is neither `terraform providers schema -json` nor an extract");
}

function versionOf(input: unknown): string | undefined {
  return isRecord(input) && typeof input.provider_version === "string"
    ? input.provider_version
    : undefined;
}

function pick(
  schemas: Record<string, TypeSchema>,
  types: readonly string[],
): Record<string, TypeSchema> {
  return Object.fromEntries(types.map((type) => [type, schemas[type]]));
}

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index === -1) return undefined;
  const value = argv[index + 1];
  if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
  return value;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${types.isNativeError(error) ? error.message : error}`,
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class UsageError extends Error {}

/** The command line: its exit code, 1 after one `error:` line for a usage error. */
export async function vendorSchema(
  argv: readonly string[],
  stderr: { write(text: string): unknown } = process.stderr,
): Promise<number> {
  try {
    await main(argv);
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`error: ${error.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  vendorSchema(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
