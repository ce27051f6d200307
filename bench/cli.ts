/**
 * Start-up time of the operator CLI in fresh processes, as the bin runs it (`node
 * bin/apps-cluster.cjs`, what `npm run cluster` starts after npm itself): median, min, max and
 * peak RSS of `--help`, `ami show` and `ami latest` (against a local SSM endpoint), `check
 * staging` (five SDK clients, against the scripted account of the CLI tests), `changes --base
 * HEAD` cold (an empty synth cache: both sides synthesized) and warm (the base's synth kept), and,
 * for scale, `npm run cluster -- --help`.
 *
 *   npm run bench:cli [-- --runs 21]
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchFlags } from "./flags";
import { startScriptedAccount } from "../simulation/aws/scripted-account";
import { NEW_AMI, STAGES_FIXTURE } from "../simulation/amis";

const { runs } = benchFlags("cli", { runs: 15 });

// A local SSM that answers GetParameter with a recommended-AMI value, as AWS does: the newer
// image of the tests' story.
const server = createServer((request, response) => {
  request.resume().on("end", () => {
    const value = JSON.stringify({
      image_id: NEW_AMI,
      image_name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
      ecs_agent_version: "1.99.0",
      os: "Amazon Linux 2023",
    });
    response
      .writeHead(200, { "content-type": "application/x-amz-json-1.1" })
      .end(JSON.stringify({ Parameter: { Type: "String", Value: value } }));
  });
});

interface Sample {
  readonly seconds: number;
  readonly peakMiB?: number;
}

const work = mkdtempSync(join(tmpdir(), "bench-cli-"));
const rssFile = join(work, "peak-rss");

function start(command: string, args: string[], env: NodeJS.ProcessEnv, measureRss: boolean) {
  return new Promise<Sample>((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        ...env,
        ...(measureRss
          ? { NODE_OPTIONS: `--require ${resolve("bench/peak-rss.cjs")}`, PEAK_RSS_FILE: rssFile }
          : {}),
      },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return fail(new Error(`${command} ${args.join(" ")} failed: ${stderr}`));
      const peakMiB = measureRss ? Number(readFileSync(rssFile, "utf8")) / 1024 : undefined;
      done({ seconds, peakMiB });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const stats = (xs: number[], digits: number) =>
  `median ${median(xs).toFixed(digits)}  min ${Math.min(...xs).toFixed(digits)}  max ${Math.max(...xs).toFixed(digits)}`;

async function main() {
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_"))),
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  const bin = ["bin/apps-cluster.cjs"];
  // A correct account for the CLI tests' stages file, so that check exits 0.
  const account = await startScriptedAccount();
  const checkEnv = {
    ...env,
    ...account.env,
    STAGES_FILE: resolve(STAGES_FIXTURE),
  };

  // As on a fresh clone: the first start bundles the CLI.
  rmSync("build/cli.json", { force: true });
  const first = await start("node", [...bin, "--help"], env, true);

  // changes: cold runs each get an empty cache folder; warm runs share one filled beforehand.
  const coldEnv = () => ({ ...env, CHANGES_SYNTH_CACHE: mkdtempSync(join(work, "cold-")) });
  const warmEnv = { ...env, CHANGES_SYNTH_CACHE: mkdtempSync(join(work, "warm-")) };
  const changes = [...bin, "changes", "--base", "HEAD"];
  await start("node", changes, warmEnv, false);

  const cases: [
    string,
    string,
    string[],
    NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv),
    boolean,
  ][] = [
    ["--help", "node", [...bin, "--help"], env, true],
    ["ami show", "node", [...bin, "ami", "show"], env, true],
    ["ami latest", "node", [...bin, "ami", "latest"], env, true],
    ["check staging", "node", [...bin, "check", "staging"], checkEnv, true],
    ["changes --base HEAD, cold", "node", changes, coldEnv, true],
    ["changes --base HEAD, warm", "node", changes, warmEnv, true],
    ["npm run cluster -- --help", "npm", ["run", "-s", "cluster", "--", "--help"], env, false],
  ];
  console.log(
    `CLI start-up, ${runs} runs each, every run a fresh process (seconds; peak RSS in MiB)`,
  );
  for (const [label, command, args, caseEnv, measureRss] of cases) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const runEnv = typeof caseEnv === "function" ? caseEnv() : caseEnv;
      samples.push(await start(command, args, runEnv, measureRss));
    }
    const rss = measureRss
      ? `   peak RSS ${stats(
          samples.map((s) => s.peakMiB ?? 0),
          0,
        )}`
      : "";
    console.log(
      `${label.padEnd(26)} ${stats(
        samples.map((s) => s.seconds),
        3,
      )}${rss}`,
    );
  }
  console.log(
    `first start (bundles cli/ with esbuild): ${first.seconds.toFixed(3)} s, ${first.peakMiB?.toFixed(0)} MiB`,
  );
  await account.close();
  console.log("target: --help and ami show well under 0.5 s (the npm row adds npm's own start-up)");
}

main()
  .finally(() => {
    server.close();
    rmSync(work, { recursive: true, force: true });
  })
  .catch((error: Error) => {
    console.error(`bench:cli: ${error.message}`);
    process.exitCode = 1;
  });
