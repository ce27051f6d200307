import { rmSync } from "node:fs";
import { RUN_TMPDIR } from "./jest-global-setup";

/** Jest's global teardown: removes the run's temporary folder (jest-global-setup.ts). */
export default function globalTeardown(): void {
  const run = process.env[RUN_TMPDIR];
  if (run !== undefined) rmSync(run, { recursive: true, force: true });
}
