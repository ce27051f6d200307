/**
 * Regenerates change-set/provider-schema/aws.json from a `terraform providers schema -json` file:
 *
 *   npm run derive:provider-schema -- <schema.json>
 *
 * Run it when the pinned AWS provider changes or the stacks start using a type it lacks; the
 * change-set tests fail for a synthesized type the derived file does not know.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deriveProviderFacts } from "../change-set/provider-schema/derive";

const [input] = process.argv.slice(2);
if (input === undefined) {
  console.error("usage: npm run derive:provider-schema -- <terraform providers schema -json file>");
  process.exit(2);
}
const output = join(__dirname, "..", "change-set", "provider-schema", "aws.json");
const facts = deriveProviderFacts(JSON.parse(readFileSync(input, "utf8")), "hashicorp/aws");
writeFileSync(output, `${JSON.stringify(facts, null, 2)}\n`);
console.log(
  `${output}: ${facts.resources.length} resource types (${facts.tagsAll.length} with tags_all, ${facts.regionalResources.length} regional), ${facts.dataSources.length} data sources, provider ${facts.version}`,
);
