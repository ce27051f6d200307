/** What jest.config.js's setup file (token-stack-traces.ts) changes, and what it leaves. */
describe("stack traces under jest", () => {
  it("maps an error's stack to this TypeScript file's lines, as jest does", () => {
    const line = 5; // the line of `new Error` below
    const stack = new Error("here").stack ?? "";
    expect(stack).toContain(`token-stack-traces.test.ts:${line}:`);
  });

  it("leaves a stack captured on a plain object (as cdktf does for every token) in V8's own text", () => {
    const captured = { stack: "" };
    Error.captureStackTrace(captured);
    const [first, ...frames] = captured.stack.split("\n");
    expect(first).toBe("[object Object]");
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame).toMatch(/^ {4}at /);
  });
});
