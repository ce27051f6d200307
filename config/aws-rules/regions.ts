import { closestName } from "../closest-name";
import derived from "./regions.json";

/**
 * The AWS regions and their partitions, from the AWS SDK's own partition data
 * (config/aws-rules/regions.json, derived by `npm run derive:aws-regions`). A region that matches the
 * pattern but does not exist (`us-north-9`) would otherwise pass synth and fail at apply.
 */

const PARTITION_OF: ReadonlyMap<string, string> = new Map(
  Object.entries(derived.partitions).flatMap(([partition, regions]) =>
    regions.map((region) => [region, partition] as const),
  ),
);
const REGIONS = [...PARTITION_OF.keys()];

// More than this many regions in a hint make a line nobody reads.
const MAX_LISTED = 6;

/** The ARN partition of a known region (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOf(region: string): string | undefined {
  return PARTITION_OF.get(region);
}

/**
 * Why `region` is not a region, with the nearest one or those of its area; `undefined` when it
 * is one. Phrased to follow the field or option it is about.
 */
export function regionProblem(region: string): string | undefined {
  if (PARTITION_OF.has(region)) return undefined;
  // A typo rarely changes the area: `us-north-9` is nearer eu-north-1, but meant a us- region.
  const area = region.toLowerCase().split("-")[0];
  const sameArea = REGIONS.filter((known) => known.startsWith(`${area}-`));
  const guess = closestName(region, sameArea.length > 0 ? sameArea : REGIONS);
  if (guess !== undefined) return `must be an AWS region (did you mean ${guess}?)`;
  const listed = sameArea.slice(0, MAX_LISTED).join(", ");
  const more = sameArea.length > MAX_LISTED ? ", …" : "";
  const hint = sameArea.length > 0 ? `; ${area}- regions: ${listed}${more}` : "";
  return `must be an AWS region like us-east-1 (the AWS SDK's partition data has none by that name${hint})`;
}
