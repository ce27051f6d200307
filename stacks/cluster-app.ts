import { App } from "cdktf";
import { ConfigError } from "../config/config-error";
import { ClusterStack } from "./cluster-stack";
import type { StageImports } from "../config/imports";
import { rolloutOrder, Stages, type StageName } from "../config/stages";

/**
 * Adds one ClusterStack per stage to the app and validates them all, so a mistake in any stage
 * stops the synth before anything is written. Construct errors are prefixed with the stage.
 */
export function addClusterStacks(
  app: App,
  stages: Stages,
  drainCodeZipPath: string,
  source = "stacks/stages.json",
  imports: Partial<Record<StageName, StageImports>> = {},
): ClusterStack[] {
  const stacks = rolloutOrder(stages).map((stage) => {
    try {
      return new ClusterStack(app, stage, { config: stages[stage], drainCodeZipPath });
    } catch (error) {
      if (error instanceof ConfigError)
        throw new ConfigError(`${source}: ${stage}: ${error.message}`);
      throw error;
    }
  });
  stacks.forEach((stack) => {
    const stageImports = imports[stack.node.id];
    if (stageImports === undefined) return;
    try {
      stack.importExisting(stageImports.imports);
    } catch (error) {
      if (error instanceof ConfigError)
        throw new ConfigError(`${stageImports.file}: ${error.message}`);
      throw error;
    }
  });
  for (const stack of stacks) stack.runAllValidations();
  return stacks;
}
