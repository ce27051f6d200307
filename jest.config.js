// On Node 20 every test file that loads an AWS SDK client prints the SDK's notice that its
// releases from January 2027 need Node 22. The project is supported on 22 and 24 (CI runs the
// function's tests on both), so here the notice only buries the tests' own output; the SDK's
// documented switch (aws/aws-sdk-js-v3#7983) turns it off for the test processes on Node < 22.
if (Number(process.versions.node.split(".")[0]) < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type-checking is `npm run typecheck`; jest only transpiles, which keeps the suite fast.
  transform: { "^.+\\.ts$": "ts-jest" },
  // Jest's default on 2 cores is one worker. Many suites wait on child processes (synths, the
  // CLI, Terraform) or on the SDK's retry delays, so a worker per core leaves a core idle ~11 % of
  // the time: one worker more than cores, three on 2, finishes ~5 % sooner than two (four, no
  // sooner than three). A number: jest reads a percentage above 100 as that many workers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
  maxWorkers: require("node:os").availableParallelism() + 1,
  // Longest suites first, also on a fresh clone, where jest has no times of its own yet.
  testSequencer: "<rootDir>/jest.sequencer.cjs",
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/token-stack-traces.ts"],
  globalSetup: "<rootDir>/__tests__/support/jest-global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/jest-global-teardown.ts",
};
