import { setTimeout as sleep } from "node:timers/promises";
import { INTERRUPT_SIGNALS } from "./context";
import { runCli } from "./program";

// The process around the CLI: real streams, environment, clock and signals.

// The SDK's multi-line notice that its 2027 releases need Node 22 is about upgrading the
// project, not about the command being run; it would precede every command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// A reader that stops early (`| head`) closes the pipe: the rest of the output goes nowhere and
// the command still ends with its own exit code, without a stack trace for the closed pipe.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
  });
}
runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  clock: { now: () => Date.now(), sleep: (ms, signal) => sleep(ms, undefined, { signal }) },
  onInterrupt: (listener) => {
    // While a command listens, these no longer end the process at once: the command stops
    // itself. Once it stops listening, Node's default (ending the process) is back.
    for (const signal of INTERRUPT_SIGNALS) process.on(signal, listener);
    return () => {
      for (const signal of INTERRUPT_SIGNALS) process.off(signal, listener);
    };
  },
}).then((code) => {
  process.exitCode = code;
});
