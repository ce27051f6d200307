import { execFileSync } from "node:child_process";

/**
 * Jest's global setup (jest.config.js): the CLI's bundle made once, in this project's build/,
 * before any suite starts. Test repositories copy it (support/git-repo.ts), so the suites that
 * start the CLI do not each bundle it again (2 s and both cores each); a current bundle makes
 * this a 0.2 s start. Runs what an operator's first `npm run cluster` runs.
 */
export default function bundleCliOnce(): void {
  try {
    execFileSync(process.execPath, ["bin/apps-cluster.cjs", "--version"], { stdio: "ignore" });
  } catch {
    // A CLI that does not start fails the suites that start it, each saying why.
  }
}
