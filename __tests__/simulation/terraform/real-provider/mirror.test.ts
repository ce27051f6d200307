import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { platform } from "../../../../simulation/terraform/harness";
import { findRealProvider } from "../../../../simulation/terraform/real-provider/mirror";

/** A mirror holding empty stand-ins for provider binaries of the given versions. */
function mirrorWith(versions: Record<string, boolean>): string {
  const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "mirror-"));
  for (const [version, withBinary] of Object.entries(versions)) {
    const dir = path.join(mirror, "registry.terraform.io/hashicorp/aws", version, platform());
    fs.mkdirSync(dir, { recursive: true });
    if (withBinary) fs.writeFileSync(path.join(dir, `terraform-provider-aws_v${version}_x5`), "");
  }
  return mirror;
}

describe("findRealProvider", () => {
  it("takes the newest version that has a binary for this platform", () => {
    const mirror = mirrorWith({ "5.9.0": true, "5.100.0": true, "6.0.0": false });
    expect(findRealProvider(mirror)).toEqual({ version: "5.100.0", mirror });
  });

  it("says in one line what is missing", () => {
    expect(findRealProvider("/nonexistent")).toEqual({
      missing:
        "no real AWS provider: /nonexistent/registry.terraform.io/hashicorp/aws does not exist",
    });
    const empty = mirrorWith({ "5.100.0": false });
    expect(findRealProvider(empty)).toEqual({
      missing: `no real AWS provider for ${platform()} under ${empty}/registry.terraform.io/hashicorp/aws`,
    });
  });
});
