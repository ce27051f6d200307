/**
 * Times the cdktf `app` command (from cdktf.json) in fresh processes, as `npm run synth`,
 * `cdktf diff` and `cdktf deploy` run it: median/min/max wall time, and the peak RSS of its Node
 * process.
 *
 *   npm run bench:synth [-- --runs 15]
 *
 * The first run starts without the app's bundle and the packaged Lambda (as on a fresh clone) and
 * is reported on its own; the measured runs find both made and unchanged, as every later synth
 * does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { benchFlags } from "./flags";

const { runs } = benchFlags("synth", { runs: 11 });

const app: string = JSON.parse(readFileSync("cdktf.json", "utf8")).app;
const work = mkdtempSync(join(tmpdir(), "bench-synth-"));
const rssFile = join(work, "peak-rss");

interface Sample {
  readonly seconds: number;
  readonly peakMiB: number;
}

function runApp(): Sample {
  const started = process.hrtime.bigint();
  // Through a shell, as cdktf runs it.
  const result = spawnSync("sh", ["-c", app], {
    env: {
      ...process.env,
      CDKTF_OUTDIR: join(work, "cdktf.out"),
      NODE_OPTIONS: `--require ${resolve("bench/peak-rss.cjs")}`,
      PEAK_RSS_FILE: rssFile,
    },
    encoding: "utf8",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    console.error(`bench:synth: "${app}" failed:\n${result.stderr}`);
    process.exit(1);
  }
  return { seconds, peakMiB: Number(readFileSync(rssFile, "utf8")) / 1024 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const row = (label: string, xs: number[], unit: string, digits: number) =>
  `${label.padEnd(14)} median ${median(xs).toFixed(digits)} ${unit}   min ${Math.min(...xs).toFixed(digits)}   max ${Math.max(...xs).toFixed(digits)}`;

for (const name of existsSync("build") ? readdirSync("build", { withFileTypes: true }) : []) {
  if (name.isFile() && /^(app\.js|.*\.zip|.*\.inputs\.json)$/.test(name.name)) {
    rmSync(join("build", name.name));
  }
}
const first = runApp();
const samples = Array.from({ length: runs }, runApp);
rmSync(work, { recursive: true, force: true });

console.log(`app command: ${app}   (${runs} runs, each a fresh process)`);
console.log(
  row(
    "wall time",
    samples.map((s) => s.seconds),
    "s ",
    3,
  ),
);
console.log(
  row(
    "peak RSS",
    samples.map((s) => s.peakMiB),
    "MiB",
    0,
  ),
);
console.log(
  `first run, bundling the app and the Lambda: ${first.seconds.toFixed(3)} s, ${first.peakMiB.toFixed(0)} MiB`,
);
console.log("targets: median wall time <= 0.6 s, peak RSS <= 150 MB");
