import { readFileSync } from "node:fs";
import { Document } from "yaml";
import { ConfigError } from "../config/config-error";
import { parseJsonText } from "../config/json-text";
import { isJsonObject } from "../change-set/json-object";

/**
 * The repo-level atlantis.yaml, made from the stages file: one project per stage, in the file's
 * order, which is the rollout order. `npm run atlantis:repo-config` writes it; a test fails when
 * the committed file differs.
 */

/**
 * The files a synth reads, relative to a project's dir (cdktf.out/stacks/<stage>), in
 * .dockerignore syntax: a change to any of them plans every stage; tests, docs, the CLI and the
 * change guard plan nothing.
 */
export const SYNTH_INPUTS: readonly string[] = [
  "../../../main.ts",
  "../../../bin/synth.cjs",
  "../../../cdktf.json",
  "../../../package.json",
  "../../../package-lock.json",
  "../../../tsconfig.json",
  "../../../stacks/**",
  "../../../constructs/**",
  "../../../config/**",
  "!../../../config/stages-file.ts",
  "!../../../config/atomic-file.ts",
  "../../../lambda/**",
];

const HEADER = ` Written by npm run atlantis:repo-config from stacks/stages.json: edit the stages file, not this.
 One project per stage in the stages file's order, which is the rollout order. A global
 \`atlantis apply\` applies the groups in order, and each stage depends on the one before it:
 Atlantis applies it only once that one has applied or planned no changes, so a failed apply
 stops the stages after it (docs/atlantis.md, "Staging first").
 when_modified patterns are relative to each project's dir (.dockerignore syntax): the synth's
 inputs, checked file by file in __tests__/atlantis.test.ts.`;

/** The stage names of a stages file, in the file's order. */
export function stageNamesOf(stagesFile: string): string[] {
  const parsed = parseJsonText(readFileSync(stagesFile, "utf8"), stagesFile);
  if (!isJsonObject(parsed) || Object.keys(parsed).length === 0) {
    throw new ConfigError(`${stagesFile}: expected an object with one entry per stage`);
  }
  return Object.keys(parsed);
}

/** atlantis.yaml's text for these stages, synthesized into `outdir` (cdktf.json's `output`). */
export function repoConfigText(stages: readonly string[], outdir: string): string {
  const doc = new Document({ version: 3, automerge: false, parallel_plan: false });
  doc.commentBefore = HEADER;
  const inputs = doc.createNode([...SYNTH_INPUTS]);
  inputs.anchor = "synth-inputs";
  const projects = stages.map((stage, index) => ({
    name: stage,
    dir: `${outdir}/stacks/${stage}`,
    workspace: "default",
    execution_order_group: index + 1,
    ...(index === 0 ? {} : { depends_on: [stages[index - 1]] }),
    autoplan: {
      enabled: true,
      when_modified: index === 0 ? inputs : doc.createAlias(inputs),
    },
  }));
  doc.set("parallel_apply", false);
  doc.set("projects", doc.createNode(projects));
  return doc.toString();
}
