import { baseStages, synthStages } from "../../../simulation/fixtures";
import {
  readVendoredSchema,
  schemaProblems,
} from "../../../simulation/terraform/provider-schema/schema";
import {
  everyLaunchKind,
  pinnedAwsVersion,
  typesUsed,
} from "../../../simulation/terraform/provider-schema/stack-types";

const vendored = readVendoredSchema();
// Both launch kinds: a stage may switch, and either must be valid for the pinned provider.
const documents = everyLaunchKind(baseStages()).flatMap((stages) =>
  Object.values(synthStages(stages)),
);

describe("the vendored AWS provider schema", () => {
  it("is of the provider version the stacks pin (regenerate it with npm run tf:vendor-schema)", () => {
    expect(vendored.provider_version).toBe(pinnedAwsVersion(documents));
  });

  it("has exactly the resource and data-source types the stacks use", () => {
    const used = typesUsed(documents);
    expect(Object.keys(vendored.resource).sort()).toEqual(used.resource);
    expect(Object.keys(vendored.data).sort()).toEqual(used.data);
  });
});

describe("schemaProblems", () => {
  it("finds none in the synthesized stacks of both launch kinds (valid for the pinned provider)", () => {
    expect(documents.length).toBeGreaterThan(2);
    expect(documents.flatMap((document) => schemaProblems(document, vendored))).toEqual([]);
  });

  it("names an unknown type, an unknown or computed-only attribute, a missing required one and too many blocks", () => {
    const document = {
      resource: {
        aws_not_a_type: { a: {} },
        aws_sns_topic: { t: { name: "t", arn: "arn:aws:sns:::t", colour: "blue" } },
        aws_launch_configuration: {
          lc: {
            image_id: "ami-0123456789abcdef0",
            metadata_options: [{ http_tokens: "required" }, { http_tokens: "optional" }],
            lifecycle: { create_before_destroy: true },
          },
        },
      },
    };
    expect(schemaProblems(document, vendored)).toEqual([
      "aws_not_a_type.a: no resource type aws_not_a_type",
      "aws_sns_topic.t.arn: computed only, cannot be set",
      "aws_sns_topic.t.colour: not in the schema",
      "aws_launch_configuration.lc.metadata_options: 2 blocks, at most 1",
      "aws_launch_configuration.lc.instance_type: required, missing",
    ]);
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
