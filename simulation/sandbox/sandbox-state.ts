/**
 * What a running sandbox leaves for the commands that join it (`npm run sandbox:apply`):
 * `sandbox.json` in the sandbox's folder, beside the practice checkout whose stages file the
 * operator edits. Found from that stages file, so `STAGES_FILE` is all a command needs.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface SandboxState {
  /** The simulated AWS's endpoint (loopback). */
  readonly url: string;
  readonly region: string;
  /** Real milliseconds per second of AWS time. */
  readonly msPerSecond: number;
  /** Real epoch milliseconds at which AWS time and real time agreed. */
  readonly startedAt: number;
  /** The provider of the machine's mirror: its version and the CLI config that installs it. */
  readonly providerVersion: string;
  readonly cliConfigFile: string;
  /** Each stage's Terraform working directory (its state), by stage. */
  readonly workspaces: Readonly<Record<string, string>>;
}

const STATE_FILE = "sandbox.json";
/** The practice checkout's folder inside the sandbox's folder. */
export const CHECKOUT_DIR = "checkout";

export function writeSandboxState(sandboxDir: string, state: SandboxState): void {
  fs.writeFileSync(path.join(sandboxDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** The state of the sandbox whose practice checkout holds `stagesFile`, or why there is none. */
export function findSandboxState(stagesFile: string): SandboxState | { missing: string } {
  const checkout = path.resolve(path.dirname(stagesFile), "..");
  const file = path.join(path.dirname(checkout), STATE_FILE);
  if (path.basename(checkout) !== CHECKOUT_DIR || !fs.existsSync(file)) {
    return {
      missing: `${stagesFile} is not a running sandbox's stages file; start one with npm run sandbox and use the STAGES_FILE it prints`,
    };
  }
  return JSON.parse(fs.readFileSync(file, "utf8")) as SandboxState;
}
