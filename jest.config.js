/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type-checking is `npm run typecheck`; jest only transpiles, which keeps the suite fast.
  transform: { "^.+\\.ts$": "ts-jest" },
  // Jest's default on 2 cores is one worker; the Terraform and CLI tests mostly wait on child
  // processes, so two workers finish in about three quarters of the time there.
  maxWorkers: "100%",
  // Longest suites first, also on a fresh clone, where jest has no times of its own yet.
  testSequencer: "<rootDir>/jest.sequencer.cjs",
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
};
