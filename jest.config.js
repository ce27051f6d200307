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
  // Jest's default on 2 cores is one worker; the Terraform and CLI tests mostly wait on child
  // processes, so two workers finish in about three quarters of the time there. A third gained
  // nothing clear (farm-bench, paired: 0.945 and 0.99 of two's time) for 8 % more CPU.
  maxWorkers: "100%",
  // Longest suites first, also on a fresh clone, where jest has no times of its own yet.
  testSequencer: "<rootDir>/jest.sequencer.cjs",
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/token-stack-traces.ts"],
  globalSetup: "<rootDir>/__tests__/support/jest-global-setup.ts",
  globalTeardown: "<rootDir>/__tests__/support/jest-global-teardown.ts",
};
