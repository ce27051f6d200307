/**
 * A stage's stack as the sandbox applies it: synthesized from the practice checkout's stages
 * file by the app's own `addClusterStacks` (as `npm run synth` would), converted for the
 * mirror's real provider with every service pointed at the simulated AWS by the provider's
 * `endpoints` block (`withEndpointsBlock`), and Terraform's timeouts converted to the real time
 * they last at the sandbox's rate. Written into the stage's workspace, whose state persists
 * between applies.
 */
import * as fs from "node:fs";
import { readStages } from "../../config/stages";
import { timeoutsInRealTime } from "../rehearsal/terraform-timeouts";
import { copyAssets, withEndpointsBlock } from "../rehearsal/stack";
import { forRealProvider } from "../terraform/real-provider/convert";
import { synthesizeStage } from "../rehearsal/synthesize";
import type { TerraformWorkspace } from "../terraform/harness";
import type { SandboxState } from "./sandbox-state";

export function writeStageStack(
  workspace: TerraformWorkspace,
  stagesFile: string,
  stage: string,
  sandbox: Pick<SandboxState, "url" | "msPerSecond" | "providerVersion">,
): void {
  const stages = readStages(stagesFile);
  const { document, stackDir, outdir } = synthesizeStage(stages, stage as keyof typeof stages);
  const { document: realTime } = timeoutsInRealTime(document, sandbox.msPerSecond);
  workspace.writeStack(
    withEndpointsBlock(
      forRealProvider(realTime, { providerVersion: sandbox.providerVersion }),
      sandbox.url,
    ),
  );
  copyAssets(stackDir, workspace.dir);
  fs.rmSync(outdir, { recursive: true, force: true });
}
