import {
  containerAccess,
  EC2_DEFAULT_METADATA_OPTIONS,
  metadataAccessReport,
  metadataOptionsOf,
} from "../../../ops/adoption/metadata-access";

/** Issue 16 §5: what containers lose on the first rollout after adoption. */

const project = (hopLimit: number) => ({
  httpEndpoint: "enabled",
  httpTokens: "required",
  hopLimit,
});

describe("metadataOptionsOf", () => {
  it("reads EC2's defaults for a launch configuration that set no metadata options (the HCL one)", () => {
    expect(metadataOptionsOf({ metadata_options: [] })).toEqual(EC2_DEFAULT_METADATA_OPTIONS);
    expect(metadataOptionsOf({})).toEqual({
      httpEndpoint: "enabled",
      httpTokens: "optional",
      hopLimit: 1,
    });
  });

  it("reads the state's list-of-one form and the synthesized object form alike", () => {
    const block = {
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 2,
    };
    expect(metadataOptionsOf({ metadata_options: [block] })).toEqual(project(2));
    expect(metadataOptionsOf({ metadata_options: block })).toEqual(project(2));
  });
});

describe("containerAccess", () => {
  test.each([
    ["IMDSv1 allowed, one hop", EC2_DEFAULT_METADATA_OPTIONS, ["IMDSv1"]],
    [
      "IMDSv1 allowed, two hops",
      { ...EC2_DEFAULT_METADATA_OPTIONS, hopLimit: 2 },
      ["IMDSv1", "IMDSv2"],
    ],
    ["IMDSv2 only, one hop", project(1), []],
    ["IMDSv2 only, two hops", project(2), ["IMDSv2"]],
    ["the endpoint off", { ...project(2), httpEndpoint: "disabled" }, []],
  ])("%s: bridge-mode containers reach %j", (_case, options, access) => {
    expect(containerAccess(options)).toEqual(access);
  });
});

describe("metadataAccessReport", () => {
  it("says plainly that containers lose IMDSv1, what to check, and the setting that lets them through", () => {
    const lines = metadataAccessReport(EC2_DEFAULT_METADATA_OPTIONS, project(1));
    expect(lines[0]).toBe(
      "instance metadata for containers in bridge network mode (ECS's default on EC2): now IMDSv1 (http_tokens optional, hop limit 1); on the new instances no instance metadata (http_tokens required, hop limit 1)",
    );
    expect(lines[1]).toBe(
      "  containers lose IMDSv1 the moment they land on a new instance. Before applying, check:",
    );
    expect(lines.join("\n")).toMatch(/task role \(taskRoleArn\)/);
    expect(lines.join("\n")).toMatch(/IMDSv1 stays off/);
    expect(lines.at(-1)).toMatch(/"instanceMetadataHopLimit": 2/);
  });

  it("does not suggest the hop limit when the new instances already let containers through", () => {
    const lines = metadataAccessReport(EC2_DEFAULT_METADATA_OPTIONS, project(2));
    expect(lines[1]).toMatch(/^ {2}containers lose IMDSv1 /);
    expect(lines.join("\n")).not.toMatch(/instanceMetadataHopLimit/);
  });

  it("names IMDSv2 as lost when two hops become one", () => {
    const lines = metadataAccessReport(project(2), project(1));
    expect(lines[1]).toMatch(/^ {2}containers lose IMDSv2 /);
    expect(lines.join("\n")).not.toMatch(/IMDSv1 stays off/);
  });

  it("is one line when containers lose nothing", () => {
    expect(metadataAccessReport(project(2), project(2))).toHaveLength(1);
    expect(metadataAccessReport(project(1), project(1))).toHaveLength(1);
  });
});
