import { App } from "cdktf";
import { packageLambda } from "./lambda/bundle";
import { ConfigError } from "./lib/config-error";
import { addClusterStacks } from "./stacks/cluster-app";
import { readStages } from "./stacks/stages";

// The one place that reads the environment: which stages file to synthesize (tests point it at
// fixtures; people edit stacks/stages.json).
const stagesFile = process.env.STAGES_FILE ?? "stacks/stages.json";

try {
  const stages = readStages(stagesFile);
  const app = new App();
  addClusterStacks(app, stages, packageLambda("instance-drain"), stagesFile);
  app.synth();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
}
