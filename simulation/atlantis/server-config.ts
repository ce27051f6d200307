import * as v from "valibot";

/**
 * The server-side repo config (atlantis/repos.yaml) as Atlantis v0.47.1 reads it: the keys of
 * server/core/config/raw/global_cfg.go (Repo, WorkflowHook), workflow.go, stage.go and step.go.
 * Atlantis rejects unknown keys, so the objects are strict.
 */

const requirements = v.array(v.picklist(["approved", "mergeable", "undiverged"]));

const hook = v.strictObject({
  run: v.string(),
  description: v.optional(v.string()),
  // Comma-separated command names; a hook without it runs before every command.
  commands: v.optional(v.string()),
  shell: v.optional(v.string()),
  shellArgs: v.optional(v.string()),
});

const runStep = v.strictObject({
  run: v.union([
    v.string(),
    v.strictObject({
      command: v.string(),
      output: v.optional(v.picklist(["show", "hide", "strip_refreshing"])),
      shell: v.optional(v.string()),
      shellArgs: v.optional(v.string()),
    }),
  ]),
});
const envStep = v.strictObject({
  env: v.strictObject({
    name: v.string(),
    value: v.optional(v.string()),
    command: v.optional(v.string()),
  }),
});
const builtIn = v.picklist(["init", "plan", "show", "apply", "policy_check", "import", "state_rm"]);
const step = v.union([builtIn, runStep, envStep]);
export type AtlantisStep = v.InferOutput<typeof step>;

const stage = v.strictObject({ steps: v.array(step) });

export const atlantisServerConfig = v.strictObject({
  repos: v.array(
    v.strictObject({
      id: v.string(),
      branch: v.optional(v.pipe(v.string(), v.regex(/^\/.*\/$/, "a /regex/"))),
      repo_config_file: v.optional(v.string()),
      pre_workflow_hooks: v.optional(v.array(hook)),
      post_workflow_hooks: v.optional(v.array(hook)),
      workflow: v.optional(v.string()),
      plan_requirements: v.optional(requirements),
      apply_requirements: v.optional(requirements),
      import_requirements: v.optional(requirements),
      allowed_overrides: v.optional(v.array(v.string())),
      allowed_workflows: v.optional(v.array(v.string())),
      allow_custom_workflows: v.optional(v.boolean()),
      delete_source_branch_on_merge: v.optional(v.boolean()),
      repo_locking: v.optional(v.boolean()),
      policy_check: v.optional(v.boolean()),
      custom_policy_check: v.optional(v.boolean()),
      silence_pr_comments: v.optional(v.array(v.picklist(["plan", "apply"]))),
    }),
  ),
  workflows: v.record(
    v.string(),
    v.strictObject({
      plan: v.optional(stage),
      apply: v.optional(stage),
      policy_check: v.optional(stage),
      import: v.optional(stage),
      state_rm: v.optional(stage),
    }),
  ),
});

export type AtlantisServerConfig = v.InferOutput<typeof atlantisServerConfig>;
