import { readFileSync, writeFileSync } from "node:fs";
import { ConfigError } from "../config/config-error";
import { repoConfigText, stageNamesOf } from "./repo-config";

/** `npm run atlantis:repo-config`: writes atlantis.yaml from stacks/stages.json. */
try {
  const outdir: string = JSON.parse(readFileSync("cdktf.json", "utf8")).output;
  writeFileSync("atlantis.yaml", repoConfigText(stageNamesOf("stacks/stages.json"), outdir));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
}
