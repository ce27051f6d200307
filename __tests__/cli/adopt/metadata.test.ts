import { cli, copyOfStages } from "../support";

// Synthesizes the stacks in a subprocess (about a second on a busy machine).
jest.setTimeout(60_000);

const OLD_STATE = "__tests__/fixtures/old-apps-clusters.tfstate";

function liveStages(hopLimit?: number) {
  return copyOfStages((stages) => {
    stages.staging.clusterName = "AppsStaging";
    stages.production.clusterName = "AppsProd";
    if (hopLimit !== undefined) stages.staging.instanceMetadataHopLimit = hopLimit;
  });
}

describe("adopt: instance metadata (issue 16 §5)", () => {
  it("says before the apply that containers lose IMDSv1 and every way to instance metadata", async () => {
    const result = await cli(`adopt staging --from ${OLD_STATE}`, { stagesFile: liveStages() });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = result.stdout.split("\n");
    // The old launch configuration set no metadata options: EC2's defaults, IMDSv1 allowed.
    expect(lines).toContain(
      "instance metadata for containers in bridge network mode (ECS's default on EC2): now IMDSv1 (http_tokens optional, hop limit 1); on the new instances no instance metadata (http_tokens required, hop limit 1)",
    );
    expect(lines).toContain(
      '  if containers must reach instance metadata, set "instanceMetadataHopLimit": 2 for the stage in stacks/stages.json (IMDSv2 only)',
    );
  });

  it("reads the stage's hop limit from stages.json", async () => {
    const result = await cli(`adopt staging --from ${OLD_STATE}`, { stagesFile: liveStages(2) });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(
      /on the new instances IMDSv2 \(http_tokens required, hop limit 2\)/,
    );
    expect(result.stdout).not.toMatch(/set "instanceMetadataHopLimit"/);
  });

  it("refuses a hop limit other than 1 or 2 with one line naming the field and the value", async () => {
    const result = await cli(`adopt staging --from ${OLD_STATE}`, { stagesFile: liveStages(3) });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(
        /^error: .*stages\.json: staging\.instanceMetadataHopLimit: must be 1 \(containers cannot reach instance metadata\) or 2 \(containers in bridge network mode can, with IMDSv2\), got 3$/,
      ),
    ]);
  });
});
