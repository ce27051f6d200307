/**
 * Runs the drain function as built — the zip the provider uploaded to the simulated Lambda —
 * the way Lambda runs an asynchronous invocation: in its own Node process (a fresh container),
 * with the function's environment variables, credentials and `AWS_ENDPOINT_URL` naming the
 * simulated AWS, and up to two retries when it fails (Lambda's default for async invokes).
 * Each run's JSON log lines are kept for the timeline.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import type { LambdaFunction } from "./simulated-aws/lambda";

/** Lambda's retries of a failed asynchronous invocation, by default. */
const ASYNC_RETRIES = 2;

export interface FunctionRunner {
  run(fn: LambdaFunction, payload: string): void;
  /** Each log line the function wrote, parsed when it is JSON. */
  readonly logs: { at: number; line: Record<string, unknown> | string }[];
  /** Runs still going. */
  readonly running: ReadonlySet<ChildProcess>;
  /** Stops the runs still going (the rehearsal is over). */
  stop(): void;
}

export function functionRunner(endpointUrl: string, region: string): FunctionRunner {
  const started = Date.now();
  const extracted = new Map<string, string>();
  const running = new Set<ChildProcess>();
  const logs: FunctionRunner["logs"] = [];
  const dirOf = (fn: LambdaFunction): string => {
    const sha = String(fn.configuration.CodeSha256);
    let dir = extracted.get(sha);
    if (dir === undefined) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "rehearsal-fn-"));
      for (const [name, bytes] of Object.entries(unzipSync(fn.zip))) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), bytes);
      }
      extracted.set(sha, dir);
    }
    return dir;
  };
  const attempt = (fn: LambdaFunction, payload: string, retriesLeft: number): void => {
    const configuration = fn.configuration as {
      Handler?: string;
      Timeout?: number;
      Environment?: { Variables?: Record<string, string> };
    };
    const [file, exported] = String(configuration.Handler ?? "index.handler").split(".");
    const timeoutMs = Number(configuration.Timeout ?? 3) * 1000;
    const child = spawn(
      process.execPath,
      [
        "-e",
        // The handler gets the event and a context whose remaining time counts down from the
        // function's timeout, as Lambda's does.
        `const deadline = Date.now() + ${timeoutMs};
         require(${JSON.stringify(path.join(dirOf(fn), file))}).${exported}(JSON.parse(process.env.REHEARSAL_EVENT), { getRemainingTimeInMillis: () => deadline - Date.now(), functionName: ${JSON.stringify(fn.configuration.FunctionName)}, awsRequestId: "rehearsal" })
           .then(() => process.exit(0), (error) => { console.error(String(error && error.stack || error)); process.exit(1); });`,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          PATH: process.env.PATH,
          ...configuration.Environment?.Variables,
          AWS_ENDPOINT_URL: endpointUrl,
          AWS_REGION: region,
          AWS_ACCESS_KEY_ID: "offline",
          AWS_SECRET_ACCESS_KEY: "offline",
          AWS_LAMBDA_FUNCTION_NAME: fn.configuration.FunctionName,
          REHEARSAL_EVENT: payload,
        },
      },
    );
    running.add(child);
    const record = (chunk: Buffer) => {
      for (const text of chunk.toString().split("\n").filter(Boolean)) {
        let line: Record<string, unknown> | string = text;
        try {
          line = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // Not every line is the function's JSON log (a stack trace, say): keep it as text.
        }
        logs.push({ at: Date.now() - started, line });
      }
    };
    child.stdout.on("data", record);
    child.stderr.on("data", record);
    child.on("close", (status) => {
      running.delete(child);
      if (status !== 0 && status !== null && retriesLeft > 0) attempt(fn, payload, retriesLeft - 1);
    });
  };
  return {
    logs,
    running,
    run: (fn, payload) => attempt(fn, payload, ASYNC_RETRIES),
    stop: () => {
      for (const child of running) child.kill();
    },
  };
}
