import { readFileSync } from "node:fs";
import * as v from "valibot";
import { parse } from "yaml";
import { atlantisServerConfig, type AtlantisStep } from "../../simulation/atlantis/server-config";
import { REPO_ID } from "../../simulation/atlantis/playback";

/**
 * The server side as deployed (atlantis/): each gate docs/atlantis.md cites is in the files, so
 * removing one fails here; the playback test shows what the gates do to a pull request.
 */

const repos = v.parse(atlantisServerConfig, parse(readFileSync("atlantis/repos.yaml", "utf8")));
const flags = parse(readFileSync("atlantis/server.yaml", "utf8")) as Record<string, unknown>;
const dockerfile = readFileSync("atlantis/Dockerfile", "utf8");
const [repo] = repos.repos;
const workflow = repos.workflows[repo.workflow ?? ""];
const planSteps = workflow?.plan?.steps ?? [];
const applySteps = workflow?.apply?.steps ?? [];
const commandOf = (step: AtlantisStep) =>
  typeof step === "object" && "run" in step
    ? typeof step.run === "string"
      ? step.run
      : step.run.command
    : undefined;
const indexOf = (found: (step: AtlantisStep) => boolean) => planSteps.findIndex(found);
const runIndex = (pattern: RegExp) => indexOf((step) => pattern.test(commandOf(step) ?? ""));

describe("atlantis/repos.yaml", () => {
  it("configures only this repository, and only pull requests into main", () => {
    expect(repos.repos.map((r) => r.id)).toEqual([REPO_ID]);
    const branch = new RegExp(repo.branch?.slice(1, -1) ?? ".*");
    expect(["main", "feature", "mainline", "release/main"].filter((b) => branch.test(b))).toEqual([
      "main",
    ]);
  });

  it("runs the pull request's code (the synth hook) for plan only", () => {
    expect(repo.pre_workflow_hooks?.map((hook) => [hook.run, hook.commands])).toEqual([
      ["apps-cluster-synth", "plan"],
    ]);
  });

  it("plans and applies only what is approved, mergeable and up to date, and lets the repository loosen nothing", () => {
    for (const requirements of [repo.plan_requirements, repo.apply_requirements]) {
      expect(requirements).toEqual(["approved", "mergeable", "undiverged"]);
    }
    expect(repo.allowed_overrides).toEqual([]);
    expect(repo.allow_custom_workflows).toBe(false);
  });

  it("judges with the base's code: every run step goes through apps-cluster-judge", () => {
    const commands = planSteps.flatMap((step) => commandOf(step) ?? []);
    expect(commands.length).toBe(3);
    for (const command of commands) expect(command).toMatch(/^apps-cluster-judge /);
  });

  it("runs the preflight and the change guard as steps of their own before init, and the verdict on the shown plan last", () => {
    const check = runIndex(/^apps-cluster-judge check "\$PROJECT_NAME"$/);
    const guard = runIndex(/^apps-cluster-judge changes --base "origin\/\$BASE_BRANCH_NAME" /);
    const verdict = runIndex(/^apps-cluster-judge changes --plan "\$SHOWFILE" /);
    const at = (name: string) => indexOf((step) => step === name);
    expect([check, guard, at("init"), at("plan"), at("show"), verdict]).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("gives the deploy profile to the apply step alone", () => {
    expect(applySteps).toEqual([
      { env: { name: "AWS_PROFILE", value: "apps-cluster-apply" } },
      "apply",
    ]);
    expect(JSON.stringify(planSteps)).not.toContain("AWS_PROFILE");
  });
});

describe("atlantis/server.yaml and the image", () => {
  it("is read by the server from where the image puts it, with repos.yaml beside it", () => {
    expect(dockerfile).toMatch(
      /^COPY atlantis\/repos\.yaml atlantis\/server\.yaml \/etc\/atlantis\/$/m,
    );
    expect(dockerfile).toMatch(/^CMD \["server", "--config", "\/etc\/atlantis\/server\.yaml"\]$/m);
    expect(flags["repo-config"]).toBe("/etc/atlantis/repos.yaml");
    expect(dockerfile).toMatch(/^COPY atlantis\/bin\/ \/usr\/local\/bin\/$/m);
  });

  it("runs an Atlantis that refuses to apply an errored plan (v0.46.0 and later)", () => {
    const [, major, minor] =
      /^FROM ghcr\.io\/runatlantis\/atlantis:v(\d+)\.(\d+)\.\d+$/m.exec(dockerfile) ?? [];
    expect(Number(major) > 0 || Number(minor) >= 46).toBe(true);
  });

  it("plans with the Terraform the image holds, never another", () => {
    const [, version] = /^ARG TERRAFORM_VERSION=(\S+)$/m.exec(dockerfile) ?? [];
    expect(flags["default-tf-version"]).toBe(version);
    expect(flags["tf-download"]).toBe(false);
  });

  it("runs Node 22 or 24, which the project's engines allow", () => {
    const [, major] = /^FROM node:(\d+)\.\d+\.\d+-alpine AS node$/m.exec(dockerfile) ?? [];
    expect(["22", "24"]).toContain(major);
  });

  it("stops on a failed synth, plans the merge, takes no fork and dismisses approvals on a new plan", () => {
    expect(flags).toMatchObject({
      "fail-on-pre-workflow-hook-error": true,
      "checkout-strategy": "merge",
      "allow-fork-prs": false,
      "discard-approval-on-plan": true,
      "repo-allowlist": REPO_ID,
      "parallel-apply": false,
    });
    expect(String(flags["allow-commands"]).split(",").sort()).toEqual([
      "apply",
      "plan",
      "unlock",
      "version",
    ]);
  });
});
