import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { posix } from "node:path";
import ignore from "@balena/dockerignore";
import { buildSync } from "esbuild";
import { Testing } from "cdktf";
import * as v from "valibot";
import { parse } from "yaml";
import { addClusterStacks } from "../stacks/cluster-app";
import { readStages } from "../config/stages";
import { atlantisRepoConfig, type AtlantisProject } from "./support/atlantis-repo-config";
import { DRAIN_ZIP } from "../simulation/fixtures";
import { repoConfigText, stageNamesOf } from "../atlantis/repo-config";

const config = v.parse(atlantisRepoConfig, parse(readFileSync("atlantis.yaml", "utf8")));
const projects = config.projects ?? [];
const outputDir: string = JSON.parse(readFileSync("cdktf.json", "utf8")).output;

/** Whether a change to `file` (relative to the repository root) makes Atlantis plan `project`. */
function plansOn(project: AtlantisProject, file: string): boolean {
  // Atlantis joins each pattern to the project's dir, then matches repo-relative paths with
  // .dockerignore semantics (a "!" pattern excludes).
  const patterns = (project.autoplan?.when_modified ?? ["**/*.tf*"]).map((pattern) => {
    const exclusion = pattern.startsWith("!");
    const joined = posix.normalize(posix.join(project.dir, exclusion ? pattern.slice(1) : pattern));
    return exclusion ? `!${joined}` : joined;
  });
  return ignore().add(patterns).ignores(file);
}

/** Every file git tracks in this checkout. */
function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files"], { encoding: "utf8" }).trim().split("\n");
}

/** The repository files a synth reads: what main.ts and the drain function bundle import. */
function synthInputs(): string[] {
  const imported = (entryPoint: string) =>
    Object.keys(
      buildSync({
        entryPoints: [entryPoint],
        bundle: true,
        platform: "node",
        packages: entryPoint === "main.ts" ? "external" : undefined,
        metafile: true,
        write: false,
        logLevel: "silent",
      }).metafile.inputs,
    ).filter((path) => !path.startsWith("node_modules/"));
  return [
    ...new Set([
      ...imported("main.ts"),
      ...imported("lambda/instance-drain/index.ts"),
      // The app command's bundler (its options shape the bundle), and files read at synth time.
      "bin/synth.cjs",
      "stacks/stages.json",
      "cdktf.json",
      "package.json",
      "package-lock.json",
      "tsconfig.json",
    ]),
  ].sort();
}

describe("atlantis.yaml", () => {
  it("is a valid version 3 repo config with only keys Atlantis accepts", () => {
    expect(config.version).toBe(3);
    expect(() =>
      v.parse(atlantisRepoConfig, { version: 3, projects: [{ dir: "x", when: 1 }] }),
    ).toThrow();
  });

  it("is what npm run atlantis:repo-config writes from stacks/stages.json", () => {
    expect(readFileSync("atlantis.yaml", "utf8")).toBe(
      repoConfigText(stageNamesOf("stacks/stages.json"), outputDir),
    );
  });

  it("has exactly one project per synthesized stack, in the stages file's order, in the default workspace", () => {
    const stacks = addClusterStacks(Testing.app(), readStages("stacks/stages.json"), DRAIN_ZIP);
    const expected = stacks.map((stack) => ({
      name: stack.node.id,
      dir: `${outputDir}/stacks/${stack.node.id}`,
      workspace: "default",
    }));
    expect(projects.map(({ name, dir, workspace }) => ({ name, dir, workspace }))).toEqual(
      expected,
    );
    expect(projects.map((project) => project.name)).toEqual(stageNamesOf("stacks/stages.json"));
  });

  it("applies each stage after the one before it, and only once that one applied or planned no changes", () => {
    projects.forEach((project, index) => {
      expect(project.execution_order_group).toBe(index + 1);
      expect(project.depends_on).toEqual(index === 0 ? undefined : [projects[index - 1].name]);
    });
  });

  it("gives a third stage a project of its own, after the second", () => {
    const three = v.parse(
      atlantisRepoConfig,
      parse(repoConfigText(["staging", "production", "disaster-recovery"], "cdktf.out")),
    );
    expect(three.projects?.at(-1)).toMatchObject({
      name: "disaster-recovery",
      dir: "cdktf.out/stacks/disaster-recovery",
      execution_order_group: 3,
      depends_on: ["production"],
    });
  });

  const inputs = synthInputs();

  it.each(inputs)("plans every stack when %s changes", (file) => {
    for (const project of projects)
      expect([project.name, plansOn(project, file)]).toEqual([project.name, true]);
  });

  it.each(trackedFiles().filter((file) => !inputs.includes(file)))(
    "plans nothing when only %s changes (synth does not read it)",
    (file) => {
      for (const project of projects)
        expect([project.name, plansOn(project, file)]).toEqual([project.name, false]);
    },
  );

  it("finds the inputs it checks (the synth really imports stacks, constructs, config and the lambda)", () => {
    for (const dir of ["stacks/", "constructs/", "config/", "lambda/instance-drain/"]) {
      expect(inputs.some((file) => file.startsWith(dir))).toBe(true);
    }
    for (const dir of ["change-set/", "ops/", "cli/"]) {
      expect(inputs.filter((file) => file.startsWith(dir))).toEqual([]);
    }
  });
});
