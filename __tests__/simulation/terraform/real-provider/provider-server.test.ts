import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  reattachValue,
  startProviderServer,
} from "../../../../simulation/terraform/real-provider/provider-server";

const REATTACH =
  '{"registry.terraform.io/hashicorp/aws":{"Protocol":"grpc","ProtocolVersion":5,"Pid":14652,"Test":true,"Addr":{"Network":"unix","String":"/tmp/plugin2706871793"}}}';

/** A stand-in for the provider binary: a shell script, with `$PRINTED` the debug server's lines. */
function fakeProvider(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), "provider-server-"));
  const binary = join(dir, "terraform-provider-aws_v0.0.0");
  writeFileSync(join(dir, "printed"), `Provider started.\n\tTF_REATTACH_PROVIDERS='${REATTACH}'\n`);
  writeFileSync(binary, `#!/bin/sh\nPRINTED="${join(dir, "printed")}"\n${script}\n`);
  chmodSync(binary, 0o755);
  return binary;
}

describe("the provider's debug server", () => {
  it("reads TF_REATTACH_PROVIDERS from the lines the debug server prints", () => {
    const printed = [
      "Starting github.com/hashicorp/terraform-provider-aws@5.100.0 (go1.23.10)...",
      "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:",
      "",
      `\tTF_REATTACH_PROVIDERS='${REATTACH}'`,
      "",
    ].join("\n");
    expect(reattachValue(printed)).toBe(REATTACH);
    expect(
      reattachValue(printed.slice(0, printed.indexOf("TF_REATTACH_PROVIDERS='"))),
    ).toBeUndefined();
  });

  it("gives the value once printed, runs in the workspace's folder with the environment given, without AWS_CA_BUNDLE, and stops the process", async () => {
    const binary = fakeProvider(
      `pwd > started-in; echo "\${AWS_CA_BUNDLE:-unset}" > ca-bundle; echo "$1" > flag\n` +
        'echo "$AWS_ENDPOINT_URL" > endpoint\n' +
        'echo $$ > pid; cat "$PRINTED"; exec sleep 60',
    );
    const workspace = mkdtempSync(join(tmpdir(), "provider-server-workspace-"));
    const caBundle = process.env.AWS_CA_BUNDLE;
    process.env.AWS_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
    try {
      const server = await startProviderServer(binary, workspace, {
        AWS_ENDPOINT_URL: "http://127.0.0.1:4566",
      });
      expect(server.environment).toEqual({ TF_REATTACH_PROVIDERS: REATTACH });
      const read = (name: string) => readFileSync(join(workspace, name), "utf8").trim();
      expect([read("started-in"), read("ca-bundle"), read("flag"), read("endpoint")]).toEqual([
        workspace,
        "unset",
        "-debug",
        "http://127.0.0.1:4566",
      ]);
      const pid = Number(read("pid"));
      server.stop();
      const alive = () => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      for (let waited = 0; alive() && waited < 5_000; waited += 50) {
        await new Promise((wait) => setTimeout(wait, 50));
      }
      expect(alive()).toBe(false);
    } finally {
      if (caBundle === undefined) delete process.env.AWS_CA_BUNDLE;
      else process.env.AWS_CA_BUNDLE = caBundle;
    }
  });

  it("says what the provider printed when it exits before giving an address", async () => {
    const binary = fakeProvider('echo "Error: cannot listen"; exit 3');
    await expect(startProviderServer(binary, tmpdir())).rejects.toThrow(
      "the provider's debug server exited (3):\nError: cannot listen",
    );
  });
});
