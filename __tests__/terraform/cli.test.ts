import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

function run(script: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe("vendor-schema.ts", () => {
  test.each([
    [["--from"], "error: --from needs a value"],
    [
      ["--from", "no-such-file.json"],
      "error: cannot read no-such-file.json: ENOENT: no such file or directory, open 'no-such-file.json'",
    ],
    [
      ["--from", "package.json"],
      "error: the input is neither `terraform providers schema -json` nor an extract",
    ],
  ])("rejects %p with one line, writing nothing", (args, message) => {
    const result = run("simulation/terraform/provider-schema/vendor-schema.ts", ...args);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${message}\n`);
  });
});
