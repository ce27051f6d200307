import { App } from "cdktf";
import { packageLambda } from "./lambda/bundle";
import { ConfigError } from "./config/config-error";
import { addClusterStacks } from "./stacks/cluster-app";
import { importsPath, readStageImports } from "./config/imports";
import { loadStages, rolloutOrder } from "./config/stages";
import { stageWarnings, synthSummary } from "./stacks/synth-report";

// The one place that reads the environment: which stages file to synthesize (tests point it at
// fixtures; people edit stacks/stages.json).
const stagesFile = process.env.STAGES_FILE ?? "stacks/stages.json";

try {
  const loaded = loadStages(stagesFile);
  const imports = Object.fromEntries(
    rolloutOrder(loaded.stages).map((stage) => [
      stage,
      readStageImports(importsPath(stagesFile, stage)),
    ]),
  );
  const app = new App();
  const zip = packageLambda("instance-drain");
  const stacks = addClusterStacks(app, loaded.stages, zip, stagesFile, imports);
  app.synth();
  for (const line of synthSummary(app, stacks)) console.log(line);
  for (const line of stageWarnings(loaded, stagesFile)) console.error(line);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
}
