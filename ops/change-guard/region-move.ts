import { ConfigError } from "../../config/config-error";
import type { StageName, Stages } from "../../config/stages";

/**
 * A stage's region is not something to edit in place: in AWS provider 6 each resource keeps the
 * region its state records, so a new provider region moves no existing object (the plan shows
 * only data sources read elsewhere), and 5.x would replace every regional resource instead.
 * A region move is a new stack and an adoption; the guard refuses the edit with one line rather
 * than predict either.
 *
 * @throws ConfigError naming the stage, both regions and what to do instead.
 */
export function refuseRegionMove(
  stagesFile: string,
  before: Partial<Stages> | undefined,
  after: Partial<Stages>,
  stages: readonly StageName[],
): void {
  for (const stage of stages) {
    const [from, to] = [before?.[stage]?.region, after[stage]?.region];
    if (from === undefined || to === undefined || from === to) continue;
    throw new ConfigError(
      `${stagesFile}: ${stage}.region: ${from} -> ${to} is not an edit this project supports: existing resources stay in ${from} (each keeps its state's region), so nothing would move; a region move is a new stack adopted or built beside the old one (docs/adopting.md)`,
    );
  }
}
