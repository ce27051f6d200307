import { readFileSync } from "node:fs";
import { NUMBER_LIMITS } from "../../config/aws-rules/number-limits";
import { parseStages, STAGE_FIELDS } from "../../config/stages";

/**
 * docs/configuration.md's tables follow the loader: one row per field of a stage, "required"
 * exactly where the loader refuses a stage without the field, and each number's AWS limits as
 * config/aws-rules/number-limits.ts has them.
 */

const doc = readFileSync("docs/configuration.md", "utf8");

/** The body rows of the first table after `intro`, each as its cells' text, backticks dropped. */
function tableAfter(intro: string): string[][] {
  const at = doc.indexOf(intro);
  if (at < 0) throw new Error(`docs/configuration.md has no "${intro}"`);
  const lines = doc.slice(at).split("\n");
  const first = lines.findIndex((line) => line.trimStart().startsWith("|"));
  const end = lines.findIndex((line, index) => index > first && !line.trimStart().startsWith("|"));
  return lines.slice(first + 2, end).map((row) =>
    row
      .trim()
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim().replace(/`/g, "")),
  );
}

const fields = tableAfter("## Fields").map(([field, required]) => ({ field, required }));

/** The shipped stages file with `field` ("drain.pollSeconds") removed from its first stage. */
function shippedWithout(field: string): { raw: Record<string, unknown>; stage: string } {
  const raw = JSON.parse(readFileSync("stacks/stages.json", "utf8")) as Record<string, unknown>;
  const [stage] = Object.keys(raw);
  const keys = field.split(".");
  let parent = raw[stage] as Record<string, unknown> | undefined;
  for (const key of keys.slice(0, -1)) parent = parent?.[key] as Record<string, unknown>;
  if (parent !== undefined) delete parent[keys[keys.length - 1]];
  return { raw, stage };
}

describe("docs/configuration.md", () => {
  it("has one row per field of a stage", () => {
    expect(fields.map(({ field }) => field).sort()).toEqual([...STAGE_FIELDS].sort());
  });

  it.each(fields)("marks $field required: $required", ({ field, required }) => {
    const { raw, stage } = shippedWithout(field);
    const load = () => parseStages(raw, "stages.json");
    if (required === "yes") {
      expect(load).toThrow(`stages.json: ${stage}.${field}: field is missing`);
    } else {
      expect(required).toBe("no");
      expect(load).not.toThrow();
    }
  });

  it("gives each number the limits the loader applies", () => {
    const shown = tableAfter("AWS's limits on each number").map(([field, allowed]) => [
      field,
      allowed,
    ]);
    const applied = NUMBER_LIMITS.map(({ path, min, max, allowed }) => [
      path.join("."),
      allowed === undefined
        ? `${min} to ${max}`
        : `${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`,
    ]);
    expect(shown).toEqual(applied);
  });
});
