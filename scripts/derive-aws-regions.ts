/**
 * Regenerates config/aws-rules/regions.json, the regions of each AWS partition, from the AWS SDK's own
 * partition data (`@aws-sdk/core`, what its endpoint resolution uses):
 *
 *   npm run derive:aws-regions
 *
 * Run it after an SDK upgrade: __tests__/config/aws-regions.test.ts fails until the derived file
 * matches the installed SDK. The SDK exports a look-up of one region, not the list that a "did
 * you mean" needs, so the list is derived here rather than read from the SDK's files at synth.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** What config/aws-rules/regions.json holds. */
export interface AwsRegions {
  readonly source: string;
  /** Partition id (aws, aws-cn, aws-us-gov, ...) to its regions, sorted. */
  readonly partitions: Readonly<Record<string, readonly string[]>>;
}

interface PartitionsInfo {
  partitions: { id: string; regions: Record<string, unknown> }[];
}

/** The regions of the installed `@aws-sdk/core`, by partition. */
export function sdkRegions(): AwsRegions {
  const root = dirname(require.resolve("@aws-sdk/core/package.json"));
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const file = "dist-es/submodules/client/util-endpoints/lib/aws/partitions.js";
  // The module is one JSON object assigned to an export.
  const text = readFileSync(join(root, file), "utf8");
  const json = text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1);
  const info = JSON.parse(json) as PartitionsInfo;
  return {
    source: `@aws-sdk/core ${version} ${file}`,
    partitions: Object.fromEntries(
      // `aws-global` and the like name the partition's global endpoint, not a region.
      info.partitions.map(({ id, regions }) => [
        id,
        Object.keys(regions)
          .filter((region) => !region.endsWith("-global"))
          .sort(),
      ]),
    ),
  };
}

if (require.main === module) {
  const output = join(__dirname, "..", "config", "aws-rules", "regions.json");
  const regions = sdkRegions();
  writeFileSync(output, `${JSON.stringify(regions, null, 2)}\n`);
  console.log(
    `${output}: ${Object.values(regions.partitions).flat().length} regions in ${Object.keys(regions.partitions).length} partitions (${regions.source})`,
  );
}
