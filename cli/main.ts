import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "./program";

// The process around the CLI: real streams, environment, clock and Ctrl-C.
runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  clock: { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, undefined, { signal }) },
  onInterrupt: (listener) => {
    process.on("SIGINT", listener);
    return () => process.off("SIGINT", listener);
  },
}).then((code) => {
  process.exitCode = code;
});
