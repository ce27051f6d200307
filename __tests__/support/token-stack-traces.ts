import { types } from "node:util";

/**
 * Jest's setup file (jest.config.js): cdktf records the whole call stack of every token it
 * creates (`captureStackTrace` in cdktf/lib/tokens/private/stack-trace.js, on a plain object),
 * and under jest each of those frames would go through source-map-support, which jest installs
 * to map test stacks to TypeScript lines. That mapping was a third of an in-process synth's time
 * (the real-provider agreement: 4.4 of 13 CPU-s). Here only errors are mapped; a stack captured
 * on anything else is V8's own text, as it is outside jest. A failing test's stack is unchanged.
 */
const mapErrorStack = Error.prepareStackTrace;
if (mapErrorStack !== undefined) {
  Error.prepareStackTrace = (error: unknown, frames: NodeJS.CallSite[]) =>
    types.isNativeError(error)
      ? mapErrorStack(error, frames)
      : [String(error), ...frames.map((frame) => `    at ${String(frame)}`)].join("\n");
}
