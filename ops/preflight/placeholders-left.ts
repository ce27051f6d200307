import type { LoadedStages, StageName } from "../../config/stages";

/**
 * The offline refusal that comes before anything talks to AWS (`check`, `npm run diff|deploy`):
 * a stage whose stages file still holds placeholders (config/placeholders.ts) describes an
 * example account, so checking or deploying it could only mislead. One line, naming the fields.
 */
export function placeholdersLeft(
  loaded: LoadedStages,
  stages: readonly StageName[],
  stagesFile: string,
): string | undefined {
  const left = stages.filter((stage) => loaded.placeholders[stage].length > 0);
  if (left.length === 0) return undefined;
  const where = left.map((stage) => `${stage} (${loaded.placeholders[stage].join(", ")})`);
  return `${stagesFile}: placeholders left in ${where.join(" and ")}; replace each "PLACEHOLDER:..." value with the real one first (nothing was sent to AWS)`;
}
