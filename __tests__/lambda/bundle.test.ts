import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { packageLambda } from "../../lambda/bundle";

describe("packageLambda", () => {
  const work = mkdtempSync(join(tmpdir(), "bundle-"));

  describe("the drain function", () => {
    const zipPath = packageLambda("instance-drain", { outDir: join(work, "a") });

    it("zips one index.js that exports the handler, with the SDK bundled in", () => {
      const files = unzipSync(readFileSync(zipPath));
      expect(Object.keys(files)).toEqual(["index.js"]);
      const unpacked = join(work, "unpacked");
      mkdirSync(unpacked);
      writeFileSync(join(unpacked, "index.js"), files["index.js"]);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(typeof require(join(unpacked, "index.js")).handler).toBe("function");
      // Only the optional CRT signer may stay external; the clients the handler uses are inside.
      const external = new TextDecoder()
        .decode(files["index.js"])
        .match(/require\("@aws-sdk\/[^"]+"\)/g);
      expect([...new Set(external)]).toEqual(['require("@aws-sdk/signature-v4-crt")']);
    });

    it("runs as Lambda runs it: the bundled handler answers a test notification", () => {
      const dir = join(work, "run");
      mkdirSync(dir);
      writeFileSync(join(dir, "index.js"), unzipSync(readFileSync(zipPath))["index.js"]);
      const event = {
        Records: [
          {
            Sns: {
              TopicArn: "arn:aws:sns:us-east-1:123456789012:drain",
              MessageId: "m-1",
              Message: JSON.stringify({ Event: "autoscaling:TEST_NOTIFICATION" }),
            },
          },
        ],
      };
      const script = `require(${JSON.stringify(join(dir, "index.js"))}).handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 900000 }).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })`;
      const result = spawnSync("node", ["-e", script], {
        encoding: "utf8",
        env: { ...process.env, AWS_REGION: "us-east-1" },
      });
      expect(result.status).toBe(0);
      const lines = result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(lines).toEqual([expect.objectContaining({ level: "info", action: "ignore" })]);
    });

    it("gives the same bytes on every build", () => {
      const again = packageLambda("instance-drain", { outDir: join(work, "b") });
      expect(readFileSync(again).equals(readFileSync(zipPath))).toBe(true);
    });
  });

  describe("rebuilding", () => {
    const sourceRoot = join(work, "src");
    const outDir = join(work, "out");
    mkdirSync(join(sourceRoot, "fn"), { recursive: true });
    const write = (file: string, text: string) => writeFileSync(join(sourceRoot, "fn", file), text);
    const build = () => packageLambda("fn", { outDir, sourceRoot });
    const bundled = () => new TextDecoder().decode(unzipSync(readFileSync(build()))["index.js"]);

    write("index.ts", 'import { answer } from "./answer";\nexport const handler = () => answer;\n');
    write("answer.ts", "export const answer = 41;\n");

    it("reuses the zip while no input has changed", () => {
      const first = statSync(build()).mtimeMs;
      expect(statSync(build()).mtimeMs).toBe(first);
    });

    it("rebuilds when a file the bundle imports changes", () => {
      expect(bundled()).toContain("41");
      write("answer.ts", "export const answer = 42;\n");
      expect(bundled()).toContain("42");
    });

    it("rebuilds when the zip is gone", () => {
      rmSync(build());
      expect(bundled()).toContain("handler");
    });
  });
});
