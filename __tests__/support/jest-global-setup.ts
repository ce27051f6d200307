import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keptPlansFolder } from "../../simulation/terraform/real-provider/kept-plans";

/** Where this run's temporary folder is named, for the teardown (jest-global-teardown.ts). */
export const RUN_TMPDIR = "APPS_CLUSTER_TEST_RUN_TMPDIR";

/**
 * Jest's global setup (jest.config.js), in jest's own process before any suite starts.
 *
 * - One temporary folder for the run, which the teardown removes: every suite's test
 *   repositories, stages copies and cdktf's synth folders go there (TMPDIR, which the workers
 *   inherit), not into the system's folder for good (a run left ~300 MB there). The kept
 *   real-provider plans stay in the system's folder (REAL_PROVIDER_CACHE), as they must outlive
 *   the run.
 * - The CLI's bundle made once in this project's build/, before the suites: test repositories
 *   copy it (support/git-repo.ts) rather than each bundling it (2 s and both cores each); a
 *   current bundle makes this a 0.2 s start. It is what an operator's first `npm run cluster` runs.
 */
export default function globalSetup(): void {
  // Named before TMPDIR changes, so the default stays in the system's folder.
  const kept = keptPlansFolder();
  if (kept !== undefined) process.env.REAL_PROVIDER_CACHE = kept;
  const run = mkdtempSync(join(tmpdir(), "apps-cluster-test-run-"));
  process.env[RUN_TMPDIR] = run;
  process.env.TMPDIR = run;
  try {
    execFileSync(process.execPath, ["bin/apps-cluster.cjs", "--version"], { stdio: "ignore" });
  } catch {
    // A CLI that does not start fails the suites that start it, each saying why.
  }
}
