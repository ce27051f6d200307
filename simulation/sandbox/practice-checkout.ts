/**
 * The checkout the operator practises in: a clone of this repository's last commit (sharing its
 * objects, its node_modules linked), whose stacks/stages.json holds the sandbox's filled copy,
 * committed. So `ami set` edits a file that git knows and `changes` compares it with a base
 * commit that runs the sandbox's resources, exactly as in the team's own clone; the clone has
 * no remote, so the base is its HEAD and nothing can be pushed from it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const STAGES_PATH = path.join("stacks", "stages.json");

/** Clones `projectDir` into `checkout`; returns its stages file's absolute path. */
export function makePracticeCheckout(
  projectDir: string,
  checkout: string,
  fill: (stagesText: string) => string,
): string {
  const git = (cwd: string, ...args: string[]) => {
    const result = spawnSync("git", args, { cwd, encoding: "utf8" });
    if (result.status !== 0)
      throw new Error(`git ${args.join(" ")} failed: ${result.stderr.trim() || result.error}`);
  };
  git(projectDir, "clone", "--quiet", "--shared", projectDir, checkout);
  git(checkout, "remote", "remove", "origin");
  fs.symlinkSync(path.join(projectDir, "node_modules"), path.join(checkout, "node_modules"));
  const stagesFile = path.join(checkout, STAGES_PATH);
  fs.writeFileSync(stagesFile, fill(fs.readFileSync(stagesFile, "utf8")));
  git(
    checkout,
    "-c",
    "user.name=sandbox",
    "-c",
    "user.email=sandbox@localhost",
    "commit",
    "--quiet",
    "-m",
    "sandbox: the stages run on the simulated account (placeholders filled)",
    "--",
    STAGES_PATH,
  );
  return stagesFile;
}
