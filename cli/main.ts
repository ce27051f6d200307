import { setTimeout as sleep } from "node:timers/promises";
import { runCli } from "./program";

// The process around the CLI: real streams, environment, clock and Ctrl-C.

// The SDK's multi-line notice that its 2027 releases need Node 22 is about upgrading the
// project, not about the command being run; it would precede every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
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
