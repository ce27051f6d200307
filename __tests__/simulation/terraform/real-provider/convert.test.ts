import type { SynthesizedDocument } from "../../../../change-set/document";
import { synthesize } from "../../../../simulation/terraform/scenarios";
import {
  CONVERSIONS,
  FAKE_ACCOUNT_ID,
  forRealProvider,
} from "../../../../simulation/terraform/real-provider/convert";

describe("forRealProvider", () => {
  const stack = synthesize().staging;
  const original = JSON.stringify(stack);
  const converted = forRealProvider(stack, { providerVersion: "5.100.0" });
  const text = JSON.stringify(converted);
  const terraform = converted.terraform as {
    backend: Record<string, unknown>;
    required_providers: { aws: { source: string; version: string } };
  };

  it("names each conversion with its reason", () => {
    expect(CONVERSIONS.map((c) => c.name)).toEqual([
      "local backend",
      "provider version",
      "offline provider",
      "fixed account id",
      "region attribute",
      "lambda runtime",
    ]);
    for (const { why } of CONVERSIONS) expect(why.length).toBeGreaterThan(20);
  });

  it("keeps the state in the working directory instead of S3", () => {
    expect(terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  it("pins the mirror's provider version, keeping the source", () => {
    expect(terraform.required_providers.aws).toEqual({ source: "aws", version: "5.100.0" });
  });

  it("configures the provider offline and keeps its region and default tags", () => {
    const [before] = (stack.provider as { aws: Record<string, unknown>[] }).aws;
    const [after] = (converted.provider as { aws: Record<string, unknown>[] }).aws;
    expect(after).toEqual({
      ...before,
      access_key: "offline",
      secret_key: "offline",
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
    });
  });

  it("replaces the caller identity by the fixed account id, and drops the data source", () => {
    expect(original).toContain("${data.aws_caller_identity.current.account_id}");
    expect(text).not.toContain("aws_caller_identity");
    expect(text).toContain(`:${FAKE_ACCOUNT_ID}:container-instance/`);
  });

  it("reads the region as 5.x names it", () => {
    expect(original).toContain("data.aws_region.current.region");
    expect(text).not.toContain("data.aws_region.current.region");
    expect(text).toContain("${data.aws_region.current.name}");
  });

  it("plans the drain function's nodejs24.x as nodejs22.x, the newest runtime 5.100.0 accepts", () => {
    const runtimeOf = (document: SynthesizedDocument) =>
      (document.resource?.aws_lambda_function.instance_drain as { runtime: string }).runtime;
    expect(runtimeOf(stack)).toBe("nodejs24.x");
    expect(runtimeOf(converted)).toBe("nodejs22.x");
  });

  it("changes nothing else: the same blocks, and the input untouched", () => {
    const blocks = (document: SynthesizedDocument) =>
      ["resource", "data"].flatMap((section) =>
        Object.entries((document[section] ?? {}) as Record<string, object>).flatMap(
          ([type, byName]) => Object.keys(byName).map((name) => `${section}.${type}.${name}`),
        ),
      );
    expect(blocks(converted)).toEqual(
      blocks(stack).filter((block) => !block.startsWith("data.aws_caller_identity.")),
    );
    const undone = text
      .replaceAll(FAKE_ACCOUNT_ID, "${data.aws_caller_identity.current.account_id}")
      .replaceAll("data.aws_region.current.name", "data.aws_region.current.region")
      .replaceAll('"runtime":"nodejs22.x"', '"runtime":"nodejs24.x"');
    const resources = (json: string) => JSON.stringify(JSON.parse(json).resource);
    expect(resources(undone)).toEqual(resources(original));
    expect(JSON.stringify(stack)).toBe(original);
  });

  it("refuses a caller identity used for more than its account id", () => {
    const document: SynthesizedDocument = {
      data: { aws_caller_identity: { current: {} } },
      resource: { aws_sns_topic: { t: { name: "${data.aws_caller_identity.current.arn}" } } },
    };
    expect(() => forRealProvider(document, { providerVersion: "5.100.0" })).toThrow(
      "data.aws_caller_identity.current is used for more than its account_id",
    );
  });
});
