import * as v from "valibot";

/**
 * The repo-level atlantis.yaml as Atlantis reads it. There is no official JSON schema; these
 * keys are those of Atlantis's own raw config types (server/core/config/raw: repo_cfg.go,
 * project.go, autoplan.go) and its documented repo-level reference. Atlantis rejects unknown
 * keys, so the objects here are strict.
 */

const requirement = v.picklist(["approved", "mergeable", "undiverged"]);
const requirements = v.array(requirement);
const names = v.array(v.pipe(v.string(), v.minLength(1)));

const autoplan = v.strictObject({
  enabled: v.optional(v.boolean()),
  when_modified: v.optional(names),
});

const repoLocks = v.strictObject({
  mode: v.optional(v.picklist(["disabled", "on_plan", "on_apply"])),
});

export const atlantisProject = v.strictObject({
  // Used in URLs and file names: URL-safe characters (and '/') only.
  name: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._~/-]+$/, "not URL safe"))),
  branch: v.optional(v.pipe(v.string(), v.regex(/^\/.*\/$/, "a /regex/"))),
  dir: v.pipe(
    v.string(),
    v.check((dir) => !dir.includes(".."), "cannot contain '..'"),
  ),
  workspace: v.optional(v.string()),
  workflow: v.optional(v.string()),
  terraform_distribution: v.optional(v.picklist(["terraform", "opentofu"])),
  terraform_version: v.optional(v.string()),
  autoplan: v.optional(autoplan),
  plan_requirements: v.optional(requirements),
  apply_requirements: v.optional(requirements),
  import_requirements: v.optional(requirements),
  depends_on: v.optional(names),
  delete_source_branch_on_merge: v.optional(v.boolean()),
  repo_locking: v.optional(v.boolean()),
  repo_locks: v.optional(repoLocks),
  execution_order_group: v.optional(v.pipe(v.number(), v.integer())),
  policy_check: v.optional(v.boolean()),
  custom_policy_check: v.optional(v.boolean()),
  silence_pr_comments: v.optional(v.array(v.picklist(["plan", "apply"]))),
  glob_file_match: v.optional(names),
});

export const atlantisRepoConfig = v.strictObject({
  version: v.literal(3),
  projects: v.optional(v.array(atlantisProject)),
  workflows: v.optional(v.record(v.string(), v.unknown())),
  policies: v.optional(v.unknown()),
  autodiscover: v.optional(v.unknown()),
  automerge: v.optional(v.boolean()),
  parallel_apply: v.optional(v.boolean()),
  parallel_plan: v.optional(v.boolean()),
  delete_source_branch_on_merge: v.optional(v.boolean()),
  emoji_reaction: v.optional(v.string()),
  allowed_regexp_prefixes: v.optional(v.array(v.string())),
  abort_on_execution_order_fail: v.optional(v.boolean()),
  repo_locks: v.optional(repoLocks),
  silence_pr_comments: v.optional(v.array(v.picklist(["plan", "apply"]))),
});

export type AtlantisRepoConfig = v.InferOutput<typeof atlantisRepoConfig>;
export type AtlantisProject = v.InferOutput<typeof atlantisProject>;
