/**
 * Runs the drain function as built — the zip the provider uploaded to the simulated Lambda —
 * the way Lambda runs an asynchronous invocation: in its own Node process (a fresh container),
 * with the function's environment variables, credentials and `AWS_ENDPOINT_URL` naming the
 * simulated AWS, and up to two retries, 1 and 2 minutes of AWS time apart, when it fails or
 * times out (Lambda's defaults for async invokes). The process runs on the rehearsal's AWS clock
 * (`aws-time-preload.ts`); the function's timeout is enforced here, in the real time it lasts.
 * Each run's JSON log lines are kept, stamped in AWS time, for the timeline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { unzipSync } from "fflate";
import { realMsFor, type ScaledClock } from "../clock";
import type { LambdaFunction } from "../aws/lambda";

/** Lambda's retries of a failed asynchronous invocation, by default, and their delays. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export interface FunctionLogLine {
  /** AWS milliseconds since the rehearsal started. */
  readonly at: number;
  readonly line: Record<string, unknown> | string;
}

export interface FunctionRun {
  readonly at: number;
  readonly attempt: number;
  /** `ok`, `error` (exit status), or `timeout` (killed at the function's timeout). */
  outcome?: "ok" | "error" | "timeout";
}

export interface FunctionRunner {
  run(fn: LambdaFunction, payload: string): void;
  /** Each log line the function wrote, parsed when it is JSON. */
  readonly logs: FunctionLogLine[];
  /** Every process started, with how it ended. */
  readonly runs: FunctionRun[];
  /** Runs still going. */
  readonly running: ReadonlySet<ChildProcess>;
  /** Stops the runs still going and the retries not yet started (the rehearsal is over). */
  stop(): void;
}

export function functionRunner(
  endpointUrl: string,
  region: string,
  clock: ScaledClock,
): FunctionRunner {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "rehearsal-fn-"));
  const preload = bundlePreload(scratch);
  const extracted = new Map<string, string>();
  const running = new Set<ChildProcess>();
  /** What cancels each retry not yet started. */
  const retries = new Set<() => void>();
  const logs: FunctionLogLine[] = [];
  const runs: FunctionRun[] = [];
  let stopped = false;
  const sinceStart = () => clock.now() - clock.startedAt;
  const dirOf = (fn: LambdaFunction): string => {
    const sha = String(fn.configuration.CodeSha256);
    let dir = extracted.get(sha);
    if (dir === undefined) {
      dir = fs.mkdtempSync(path.join(scratch, "code-"));
      for (const [name, bytes] of Object.entries(unzipSync(fn.zip))) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), bytes);
      }
      extracted.set(sha, dir);
    }
    return dir;
  };
  const attempt = (fn: LambdaFunction, payload: string, attemptNumber: number): void => {
    if (stopped) return;
    const configuration = fn.configuration as {
      Handler?: string;
      Timeout?: number;
      Environment?: { Variables?: Record<string, string> };
    };
    const [file, exported] = String(configuration.Handler ?? "index.handler").split(".");
    const timeoutMs = Number(configuration.Timeout ?? 3) * 1000;
    const run: FunctionRun = { at: sinceStart(), attempt: attemptNumber };
    runs.push(run);
    const child = spawn(
      process.execPath,
      [
        "--require",
        preload,
        "-e",
        // The handler gets the event and a context whose remaining time counts down, in AWS
        // time (the preload's Date), from the function's timeout, as Lambda's does.
        `const deadline = Date.now() + ${timeoutMs};
         process.send("invoked");
         require(${JSON.stringify(path.join(dirOf(fn), file))}).${exported}(JSON.parse(process.env.REHEARSAL_EVENT), { getRemainingTimeInMillis: () => deadline - Date.now(), functionName: ${JSON.stringify(fn.configuration.FunctionName)}, awsRequestId: "rehearsal" })
           .then(() => process.exit(0), (error) => { console.error(String(error && error.stack || error)); process.exit(1); });`,
      ],
      {
        stdio: ["ignore", "pipe", "pipe", "ipc"],
        env: {
          PATH: process.env.PATH,
          ...configuration.Environment?.Variables,
          AWS_ENDPOINT_URL: endpointUrl,
          AWS_REGION: region,
          AWS_ACCESS_KEY_ID: "offline",
          AWS_SECRET_ACCESS_KEY: "offline",
          AWS_LAMBDA_FUNCTION_NAME: fn.configuration.FunctionName,
          REHEARSAL_EVENT: payload,
          REHEARSAL_STARTED_AT: String(clock.startedAt),
          REHEARSAL_MS_PER_SECOND: String(clock.msPerSecond),
        },
      },
    );
    running.add(child);
    // Lambda's timeout counts from the invocation, not the container's start, in AWS time: here,
    // the real time it lasts from the moment the handler is called (a loaded machine can take
    // seconds to start Node, minutes of AWS time at a fast clock).
    let timeout: NodeJS.Timeout | undefined;
    child.once("message", () => {
      timeout = setTimeout(
        () => {
          run.outcome = "timeout";
          child.kill("SIGKILL");
        },
        realMsFor(timeoutMs, clock.msPerSecond),
      );
    });
    const record = (chunk: Buffer) => {
      for (const text of chunk.toString().split("\n").filter(Boolean)) {
        let line: Record<string, unknown> | string = text;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Not every line is the function's JSON log (a stack trace, say): keep it as text.
        }
        logs.push({ at: sinceStart(), line });
      }
    };
    child.stdout?.on("data", record);
    child.stderr?.on("data", record);
    child.on("close", (status) => {
      clearTimeout(timeout);
      running.delete(child);
      run.outcome ??= status === 0 ? "ok" : "error";
      const delay = ASYNC_RETRY_DELAYS_MS[attemptNumber - 1];
      if (run.outcome === "ok" || delay === undefined || stopped) return;
      const retry = clock.after(delay, () => {
        retries.delete(retry);
        attempt(fn, payload, attemptNumber + 1);
      });
      retries.add(retry);
    });
  };
  return {
    logs,
    runs,
    running,
    run: (fn, payload) => attempt(fn, payload, 1),
    stop: () => {
      stopped = true;
      for (const cancelRetry of retries) cancelRetry();
      for (const child of running) child.kill("SIGKILL");
      fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The preload as one CommonJS file (it imports the clock's TypeScript and fake-timers). */
function bundlePreload(dir: string): string {
  const outfile = path.join(dir, "aws-time-preload.cjs");
  buildSync({
    entryPoints: [path.join(__dirname, "aws-time-preload.ts")],
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}
