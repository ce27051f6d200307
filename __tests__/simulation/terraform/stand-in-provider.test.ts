import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { X509Certificate, createPrivateKey } from "node:crypto";
import {
  decodeValue,
  encodeValue,
  UNKNOWN,
  type CtyType,
  type Value,
} from "../../../simulation/terraform/stand-in-provider/cty";
import { readDataSource } from "../../../simulation/terraform/stand-in-provider/data-sources";
import {
  applyChange,
  planChange,
  type ProviderSettings,
} from "../../../simulation/terraform/stand-in-provider/managed-resources";
import {
  impliedType,
  readVendoredSchema,
  type BlockSchema,
} from "../../../simulation/terraform/stand-in-provider/schema";
import {
  everyLaunchKind,
  pinnedAwsVersion,
  typesUsed,
} from "../../../simulation/terraform/stand-in-provider/stack-types";
import { baseStages, synthStages } from "../../../simulation/fixtures";
import { serverCertificate } from "../../../simulation/terraform/stand-in-provider/server-certificate";
import { generateServerCertificate } from "../../../simulation/terraform/stand-in-provider/tls";
import { STAND_IN_DIR } from "../../../simulation/terraform/harness";

const vendored = readVendoredSchema(STAND_IN_DIR);
const settings: ProviderSettings = { region: "us-east-1", defaultTags: { Stage: "staging" } };

describe("the vendored AWS provider schema", () => {
  // Both launch kinds: a stage may switch, and the stand-in must serve either.
  const documents = everyLaunchKind(baseStages()).flatMap((stages) =>
    Object.values(synthStages(stages)),
  );

  it("is of the provider version the stacks pin (regenerate it with vendor-schema.ts)", () => {
    expect(vendored.provider_version).toBe(pinnedAwsVersion(documents));
  });

  it("has exactly the resource and data-source types the stacks use", () => {
    const used = typesUsed(documents);
    expect(Object.keys(vendored.resource).sort()).toEqual(used.resource);
    expect(Object.keys(vendored.data).sort()).toEqual(used.data);
  });
});

describe("pinnedAwsVersion", () => {
  it("rejects stacks that pin different versions", () => {
    const pin = (version: string) => ({
      terraform: { required_providers: { aws: { source: "aws", version } } },
    });
    expect(() => pinnedAwsVersion([pin("6.25.0"), pin("6.26.0")])).toThrow(
      "stacks pin different aws versions: 6.25.0,6.26.0",
    );
  });
});

describe("DynamicValue msgpack", () => {
  const type: CtyType = ["object", { name: "string", ports: ["list", "number"], arn: "string" }];

  it("encodes an unknown value as msgpack extension 0 and reads it back", () => {
    const bytes = encodeValue({ name: "a", ports: [80], arn: UNKNOWN }, type);
    expect(Buffer.from(bytes).includes(Buffer.from([0xd4, 0x00, 0x00]))).toBe(true);
    expect(decodeValue(bytes)).toEqual({ name: "a", ports: [80], arn: UNKNOWN });
  });

  it("writes every attribute of an object, null when unset", () => {
    expect(decodeValue(encodeValue({ name: "a" }, type))).toEqual({
      name: "a",
      ports: null,
      arn: null,
    });
  });

  it("reads an unknown value with refinements (extension 12) as unknown", () => {
    expect(decodeValue(Uint8Array.from([0xc7, 0x01, 0x0c, 0x80]))).toBe(UNKNOWN);
  });
});

describe("planChange", () => {
  const lc = vendored.resource.aws_launch_configuration.block;
  const alarm = vendored.resource.aws_cloudwatch_metric_alarm.block;
  const objectOf = (block: BlockSchema, values: Record<string, Value>) => {
    const [, attributes] = impliedType(block) as readonly ["object", Record<string, CtyType>];
    return { ...Object.fromEntries(Object.keys(attributes).map((k) => [k, null])), ...values };
  };

  it("leaves computed attributes of a new object unknown and fills region and tags_all", () => {
    const proposed = objectOf(alarm, { alarm_name: "low", tags: { Team: "digital" } });
    const { planned } = planChange("aws_cloudwatch_metric_alarm", alarm, null, proposed, settings);
    expect(planned).toEqual(
      expect.objectContaining({
        alarm_name: "low",
        arn: UNKNOWN,
        id: UNKNOWN,
        region: "us-east-1",
        tags_all: { Stage: "staging", Team: "digital" },
      }),
    );
  });

  it("asks for replacement when a launch configuration argument changes (every one forces it)", () => {
    const prior = objectOf(lc, { image_id: "ami-1", name: "apps-1", id: "apps-1" });
    const proposed = { ...prior, image_id: "ami-2" };
    const plan = planChange("aws_launch_configuration", lc, prior, proposed, settings);
    expect(plan.requiresReplace).toEqual(["image_id"]);
  });

  it("updates an alarm in place when its dimensions change", () => {
    const prior = objectOf(alarm, { alarm_name: "low", dimensions: { G: "a" }, tags_all: {} });
    const proposed = { ...prior, dimensions: { G: UNKNOWN } };
    const plan = planChange("aws_cloudwatch_metric_alarm", alarm, prior, proposed, {
      ...settings,
      defaultTags: {},
    });
    expect(plan.requiresReplace).toEqual([]);
  });
});

describe("planChange for aws_lambda_function", () => {
  const fn = vendored.resource.aws_lambda_function.block;
  const prior: Record<string, Value> = {
    ...(Object.fromEntries(
      Object.keys((impliedType(fn) as readonly [string, object])[1]).map((k) => [k, null]),
    ) as Record<string, Value>),
    function_name: "drain",
    source_code_hash: "a",
    memory_size: 256,
    last_modified: "2026-01-01",
    version: "$LATEST",
    publish: false,
    tags_all: {},
  };
  const noTags = { ...settings, defaultTags: {} };

  it("makes last_modified unknown when the code changes, as the provider's CustomizeDiff does", () => {
    const { planned } = planChange(
      "aws_lambda_function",
      fn,
      prior,
      { ...prior, source_code_hash: "b" },
      noTags,
    );
    expect(planned).toEqual(
      expect.objectContaining({ last_modified: UNKNOWN, version: "$LATEST" }),
    );
  });

  it("keeps last_modified for a configuration change of an unpublished function", () => {
    const { planned } = planChange(
      "aws_lambda_function",
      fn,
      prior,
      { ...prior, memory_size: 512 },
      noTags,
    );
    expect(planned).toEqual(expect.objectContaining({ last_modified: "2026-01-01" }));
  });
});

describe("applyChange", () => {
  const lc = vendored.resource.aws_launch_configuration.block;
  const type = impliedType(lc);
  const planned = { name_prefix: "apps-staging-", name: UNKNOWN, arn: UNKNOWN, id: UNKNOWN };

  it("generates a name from name_prefix plus 26 digits, the same for the same values", () => {
    const first = applyChange("aws_launch_configuration", type, planned, settings) as Record<
      string,
      Value
    >;
    expect(first.name).toMatch(/^apps-staging-\d{26}$/);
    expect(first.id).toBe(first.name);
    expect(first.arn).toBe(
      `arn:aws:autoscaling:us-east-1:123456789012:launch-configuration/${first.name}`,
    );
    expect(applyChange("aws_launch_configuration", type, planned, settings)).toEqual(first);
  });

  it("gives a second object created from the same values a new name", () => {
    const generations = [0, 1];
    const [a, b] = generations.map(
      (generation) =>
        (
          applyChange("aws_launch_configuration", type, planned, settings, () => generation) as {
            name: string;
          }
        ).name,
    );
    expect(a).not.toBe(b);
  });
});

describe("aws_iam_policy_document", () => {
  it("renders statements as the provider does: one value as a string, several as a list", () => {
    const state = readDataSource(
      "aws_iam_policy_document",
      {
        id: null,
        json: null,
        minified_json: null,
        statement: [
          {
            sid: "Publish",
            effect: null,
            actions: ["sns:Publish"],
            resources: ["arn:a", "arn:b"],
            principals: [{ type: "Service", identifiers: ["autoscaling.amazonaws.com"] }],
            condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: ["arn:c"] }],
          },
        ],
      },
      settings,
    );
    expect(JSON.parse(String(state.json))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Publish",
          Effect: "Allow",
          Action: "sns:Publish",
          Resource: ["arn:a", "arn:b"],
          Principal: { Service: "autoscaling.amazonaws.com" },
          Condition: { ArnEquals: { "aws:SourceArn": "arn:c" } },
        },
      ],
    });
    expect(state.minified_json).toBe(JSON.stringify(JSON.parse(String(state.json))));
    expect(state.id).toMatch(/^\d+$/);
  });
});

describe("the TLS server certificate", () => {
  it("is self-signed for localhost, for server and client auth, and its key signs", async () => {
    const generated = await generateServerCertificate();
    const certificate = new X509Certificate(generated.certificatePem);
    expect(certificate.checkHost("localhost")).toBe("localhost");
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.keyUsage).toEqual(expect.arrayContaining(["1.3.6.1.5.5.7.3.1"]));
    expect(certificate.checkPrivateKey(createPrivateKey(generated.privateKeyPem))).toBe(true);
  });

  it("is read from the harness's files, with the DER in the handshake field unpadded", async () => {
    const generated = await generateServerCertificate();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stand-in-cert-"));
    fs.writeFileSync(path.join(dir, "cert.pem"), generated.certificatePem);
    fs.writeFileSync(path.join(dir, "key.pem"), generated.privateKeyPem);
    const read = await serverCertificate({
      STAND_IN_SERVER_CERT: path.join(dir, "cert.pem"),
      STAND_IN_SERVER_KEY: path.join(dir, "key.pem"),
    });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(read).toEqual(generated);
    const der = new X509Certificate(generated.certificatePem).raw;
    expect(Buffer.from(read.handshakeField, "base64")).toEqual(der);
    expect(read.handshakeField).not.toMatch(/=$/);
  });
});
