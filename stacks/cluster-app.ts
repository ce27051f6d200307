import { App } from "cdktf";
import { ConfigError } from "../lib/config-error";
import { ClusterStack } from "./cluster-stack";
import { STAGE_NAMES, Stages } from "./stages";

/**
 * Adds one ClusterStack per stage to the app and validates them all, so a mistake in any stage
 * stops the synth before anything is written. Construct errors are prefixed with the stage.
 */
export function addClusterStacks(
  app: App,
  stages: Stages,
  drainCodeZipPath: string,
  source = "stacks/stages.json",
): ClusterStack[] {
  const stacks = STAGE_NAMES.map((stage) => {
    try {
      return new ClusterStack(app, stage, { config: stages[stage], drainCodeZipPath });
    } catch (error) {
      if (error instanceof ConfigError)
        throw new ConfigError(`${source}: ${stage}: ${error.message}`);
      throw error;
    }
  });
  for (const stack of stacks) stack.runAllValidations();
  return stacks;
}
