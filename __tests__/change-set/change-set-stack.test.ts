import {
  changeSet,
  formatChangeSet,
  REPLACEMENT_RULES,
  type BlockConfig,
  type SynthesizedDocument,
} from "../../change-set/change-set";
import { deriveProviderFacts } from "../../change-set/provider-schema/derive";
import aws from "../../change-set/provider-schema/aws.json";
import { replacementVerdict } from "../../change-set/replacement-rules";

const TAGS = [{ tags: { Project: "apps-cluster", Stage: "staging" } }];
const S3 = {
  bucket: "state",
  key: "apps-cluster/staging/terraform.tfstate",
  region: "us-east-1",
  encrypt: true,
  dynamodb_table: "locks",
};

/** A small stack: regional and global, tagged and untagged resources, and data sources. */
function stack(
  provider: BlockConfig = { region: "us-east-1", default_tags: TAGS },
  backend: BlockConfig = S3,
  extra: NonNullable<SynthesizedDocument["resource"]> = {},
): SynthesizedDocument {
  return {
    terraform: { backend: { s3: backend } },
    provider: { aws: [provider] },
    resource: {
      aws_ecs_cluster: { cluster: { name: "apps" } },
      aws_launch_configuration: { instances: { image_id: "ami-1", instance_type: "t3.large" } },
      aws_iam_role: { drain: { name: "apps-drain", assume_role_policy: "{}" } },
      aws_iam_role_policy: {
        drain: { role: "${aws_iam_role.drain.name}", policy: "${aws_ecs_cluster.cluster.arn}" },
      },
      terraform_data: { hook: { input: { heartbeat: 600 } } },
      ...extra,
    },
    data: {
      aws_region: { current: {} },
      aws_iam_policy_document: { drain: { statement: [{ actions: ["ecs:*"] }] } },
    },
  };
}

const actions = (before: SynthesizedDocument, after: SynthesizedDocument) =>
  Object.fromEntries(changeSet(before, after).map((c) => [c.address, c.action]));

describe("changeSet with a provider change", () => {
  it("replaces every regional resource and re-reads regional data sources when the region changes", () => {
    const after = stack({ region: "us-west-2", default_tags: TAGS });
    expect(changeSet(stack(), after)).toEqual([
      { address: "provider.aws", action: "reconfigure", reasons: ["region changed"] },
      {
        address: "aws_ecs_cluster.cluster",
        action: "replace",
        reasons: ["region changes with provider.aws (us-east-1 → us-west-2)"],
      },
      {
        address: "aws_iam_role_policy.drain",
        action: "update",
        reasons: ["policy refers to replaced aws_ecs_cluster.cluster"],
      },
      {
        address: "aws_launch_configuration.instances",
        action: "replace",
        reasons: ["region changes with provider.aws (us-east-1 → us-west-2)"],
      },
      {
        address: "data.aws_region.current",
        action: "read",
        reasons: ["region changes with provider.aws (us-east-1 → us-west-2)"],
      },
    ]);
  });

  it("leaves a resource that sets its own region where it is", () => {
    const pinned = { aws_sns_topic: { east: { name: "east", region: "us-east-1" } } };
    const changes = actions(
      stack(undefined, undefined, pinned),
      stack({ region: "us-west-2", default_tags: TAGS }, undefined, pinned),
    );
    expect(changes["aws_sns_topic.east"]).toBeUndefined();
    expect(changes["aws_ecs_cluster.cluster"]).toBe("replace");
  });

  it("updates every resource with tags_all in place when the default tags change", () => {
    const tags = [{ tags: { ...TAGS[0].tags, CostCenter: "digital" } }];
    expect(changeSet(stack(), stack({ region: "us-east-1", default_tags: tags }))).toEqual([
      { address: "provider.aws", action: "reconfigure", reasons: ["default_tags changed"] },
      {
        address: "aws_ecs_cluster.cluster",
        action: "update",
        reasons: ["tags_all changes with provider.aws default_tags"],
      },
      {
        address: "aws_iam_role.drain",
        action: "update",
        reasons: ["tags_all changes with provider.aws default_tags"],
      },
    ]);
  });

  it("propagates a changed tags_all to what refers to it", () => {
    const reader = {
      aws_iam_role_policy: {
        tagged: { role: "r", policy: "${jsonencode(aws_ecs_cluster.cluster.tags_all)}" },
      },
    };
    const changes = changeSet(
      stack(undefined, undefined, reader),
      stack({ region: "us-east-1", default_tags: [] }, undefined, reader),
    );
    expect(changes.find((c) => c.address === "aws_iam_role_policy.tagged")).toEqual({
      address: "aws_iam_role_policy.tagged",
      action: "update",
      reasons: ["policy refers to changed aws_ecs_cluster.cluster.tags_all"],
    });
  });

  it("treats ignore_tags like default_tags", () => {
    const changes = actions(
      stack(),
      stack({ region: "us-east-1", default_tags: TAGS, ignore_tags: [{ keys: ["Owner"] }] }),
    );
    expect(changes).toEqual({
      "provider.aws": "reconfigure",
      "aws_ecs_cluster.cluster": "update",
      "aws_iam_role.drain": "update",
    });
  });

  it("replaces a regional resource that moves to a provider alias in another region", () => {
    const before = stack();
    const after = stack();
    (after.provider as Record<string, BlockConfig[]>).aws.push({
      alias: "west",
      region: "us-west-2",
      default_tags: TAGS,
    });
    const cluster = after.resource?.aws_ecs_cluster.cluster as Record<string, unknown>;
    cluster.provider = "aws.west";
    expect(changeSet(before, after).slice(0, 2)).toEqual([
      { address: "provider.aws.west", action: "reconfigure", reasons: ["added"] },
      {
        address: "aws_ecs_cluster.cluster",
        action: "replace",
        reasons: ["region changes with provider.aws.west (us-east-1 → us-west-2)"],
      },
    ]);
  });

  it("assumes an AWS type missing from the vendored schema is regional and tagged", () => {
    const unknown = { aws_made_up_thing: { x: { name: "x" } } };
    const changes = changeSet(
      stack(undefined, undefined, unknown),
      stack({ region: "us-west-2", default_tags: [] }, undefined, unknown),
    );
    expect(changes.find((c) => c.address === "aws_made_up_thing.x")).toEqual({
      address: "aws_made_up_thing.x",
      action: "replace",
      reasons: [
        "region changes with provider.aws (us-east-1 → us-west-2) (assumed: aws_made_up_thing is not in the vendored provider schema)",
        "tags_all changes with provider.aws default_tags (assumed: aws_made_up_thing is not in the vendored provider schema)",
        "replacement assumed: no force-new rules for aws_made_up_thing",
      ],
    });
  });

  it("reports a provider argument whose effect is not predicted, never as no changes", () => {
    const after = stack({
      region: "us-east-1",
      default_tags: TAGS,
      assume_role: [{ role_arn: "arn:aws:iam::123456789012:role/deploy" }],
    });
    expect(formatChangeSet(changeSet(stack(), after))).toBe(
      "! provider.aws changed (assume_role changed (effect on resources not predicted))",
    );
  });
});

describe("changeSet with a backend change", () => {
  // Each field's words: __tests__/ops/change-guard/backend-wording.test.ts.
  test.each<[string, BlockConfig, string[], string]>([
    ["the bucket", { ...S3, bucket: "elsewhere" }, ["bucket changed"], "migrate-state"],
    [
      "the lock settings (the state stays where it is)",
      { ...S3, dynamodb_table: null, use_lockfile: true },
      ["dynamodb_table changed", "use_lockfile changed"],
      "reconfigure",
    ],
  ])("reports %s as its own line, first", (_case, backend, reasons, action) => {
    const changes = changeSet(stack(), stack(undefined, backend));
    expect(changes).toEqual([{ address: "terraform.backend", action, reasons }]);
    expect(formatChangeSet(changes)).toBe(
      `! backend changed: terraform init -${action} needed (${reasons.join("; ")})`,
    );
  });

  it("sees no change in a new required_version: Terraform checks it, no resource holds it", () => {
    const before = stack();
    const after = {
      ...before,
      terraform: { ...(before.terraform as object), required_version: ">= 1.10" },
    };
    expect(changeSet(before, after)).toEqual([]);
  });

  it("reports another backend type", () => {
    const after = { ...stack(), terraform: { backend: { local: { path: "x.tfstate" } } } };
    expect(changeSet(stack(), after)).toEqual([
      {
        address: "terraform.backend",
        action: "migrate-state",
        reasons: ["type changed (s3 → local)"],
      },
    ]);
  });

  it("reports a backend that appears", () => {
    const before = { ...stack(), terraform: {} };
    expect(formatChangeSet(changeSet(before, stack()))).toBe(
      "! backend changed: terraform init -migrate-state needed (s3 backend added)",
    );
  });

  it("comes before provider and resource changes", () => {
    const after = stack(
      { region: "us-west-2", default_tags: TAGS },
      { ...S3, region: "us-west-2" },
    );
    expect(
      changeSet(stack(), after)
        .map((c) => c.address)
        .slice(0, 3),
    ).toEqual(["terraform.backend", "provider.aws", "aws_ecs_cluster.cluster"]);
  });
});

describe("changeSet with a provider version change", () => {
  const pinned = (version: string): SynthesizedDocument => ({
    ...stack(),
    terraform: {
      backend: { s3: S3 },
      required_providers: { aws: { source: "aws", version } },
    },
  });

  it("reports another provider version as its own line, although no resource changes", () => {
    const changes = changeSet(pinned("6.25.0"), pinned("6.26.0"));
    expect(changes).toEqual([
      {
        address: "terraform.required_providers.aws",
        action: "reconfigure",
        reasons: [
          "version 6.25.0 → 6.26.0 (terraform init -upgrade; what the new provider plans differently is not predicted)",
        ],
      },
    ]);
    expect(formatChangeSet(changes)).toMatch(
      /^! terraform\.required_providers\.aws changed \(version 6\.25\.0 → 6\.26\.0/,
    );
  });

  it("reads the source as Terraform does: aws, hashicorp/aws and the full address are one provider", () => {
    const from = (source: string): SynthesizedDocument => ({
      ...stack(),
      terraform: { required_providers: { aws: { source, version: "6.25.0" } } },
    });
    expect(changeSet(from("aws"), from("hashicorp/aws"))).toEqual([]);
    expect(changeSet(from("hashicorp/aws"), from("registry.terraform.io/hashicorp/aws"))).toEqual(
      [],
    );
    expect(changeSet(from("aws"), from("example/aws"))[0].reasons).toEqual([
      "source aws → example/aws (terraform init -upgrade; what the new provider plans differently is not predicted)",
    ]);
  });

  it("reports nothing for the same pin, and a provider added or removed", () => {
    expect(changeSet(pinned("6.25.0"), pinned("6.25.0"))).toEqual([]);
    const unpinned = { ...stack(), terraform: { backend: { s3: S3 } } };
    expect(changeSet(unpinned, pinned("6.25.0"))).toEqual([
      { address: "terraform.required_providers.aws", action: "reconfigure", reasons: ["added"] },
    ]);
    expect(changeSet(pinned("6.25.0"), unpinned)[0].reasons).toEqual(["removed"]);
  });
});

describe("the vendored provider schema", () => {
  it("agrees with the force-new rules: a region change replaces every regional type", () => {
    const regional = aws.regionalResources.filter((type) => Object.hasOwn(REPLACEMENT_RULES, type));
    expect(regional.length).toBeGreaterThan(5);
    const verdicts = regional.map((type) => [type, replacementVerdict(type, "region", "a", "b")]);
    expect(verdicts).toEqual(regional.map((type) => [type, "forces-replacement"]));
  });

  it("agrees with the force-new rules: tags_all never forces replacement", () => {
    const tagged = aws.tagsAll.filter((type) => Object.hasOwn(REPLACEMENT_RULES, type));
    expect(tagged.length).toBeGreaterThan(5);
    const verdicts = tagged.map((type) => [type, replacementVerdict(type, "tags_all", {}, {})]);
    expect(verdicts).toEqual(tagged.map((type) => [type, "in-place"]));
  });

  it("is derived from terraform's schema output, in either shape", () => {
    const block = (...attributes: string[]) => ({
      block: { attributes: Object.fromEntries(attributes.map((a) => [a, { type: "string" }])) },
    });
    const provider = {
      provider_version: "6.25.0",
      resource_schemas: {
        aws_sns_topic: block("name", "region", "tags_all"),
        aws_iam_role: block("name", "tags_all"),
        aws_iam_role_policy: block("policy"),
      },
      data_source_schemas: { aws_region: block("region"), aws_partition: block("id") },
    };
    const expected = {
      provider: "hashicorp/aws",
      version: "6.25.0",
      derivedFrom: "terraform providers schema -json",
      resources: ["aws_iam_role", "aws_iam_role_policy", "aws_sns_topic"],
      tagsAll: ["aws_iam_role", "aws_sns_topic"],
      regionalResources: ["aws_sns_topic"],
      dataSources: ["aws_partition", "aws_region"],
      regionalDataSources: ["aws_region"],
    };
    const nested = { provider_schemas: { "registry.terraform.io/hashicorp/aws": provider } };
    expect(deriveProviderFacts(nested, "hashicorp/aws")).toEqual(expected);
    const flat = {
      provider_version: "6.25.0",
      resource: provider.resource_schemas,
      data: provider.data_source_schemas,
    };
    expect(deriveProviderFacts(flat, "hashicorp/aws")).toEqual(expected);
  });
});
