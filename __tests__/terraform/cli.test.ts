import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { SCHEMA_FILE } from "../../simulation/terraform/provider-schema/schema";
import { vendorSchema } from "../../simulation/terraform/provider-schema/vendor-schema";

const ROOT = path.join(__dirname, "..", "..");

function run(script: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe("vendor-schema.ts", () => {
  const script = "simulation/terraform/provider-schema/vendor-schema.ts";

  test.each([
    [["--from"], "error: --from needs a value"],
    [
      ["--from", "no-such-file.json"],
      "error: cannot read no-such-file.json: ENOENT: no such file or directory, open 'no-such-file.json'",
    ],
  ])("rejects %p with one line, exit 1", async (args, message) => {
    let stderr = "";
    const code = await vendorSchema(args, { write: (text: string) => (stderr += text) });
    expect({ code, stderr }).toEqual({ code: 1, stderr: `${message}\n` });
  });

  it("rejects a file that is no schema with one line, exit 1, writing nothing (as a program)", () => {
    const before = readFileSync(SCHEMA_FILE);
    const result = run(script, "--from", "package.json");
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      "error: the input is neither `terraform providers schema -json` nor an extract\n",
    );
    expect(readFileSync(SCHEMA_FILE).equals(before)).toBe(true);
  });
});
