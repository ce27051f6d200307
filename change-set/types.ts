// What a change set is made of, apart from the engine (change-set.ts) and its renderer
// (format.ts), so that both import it and neither imports the other.

/**
 * What Terraform would do to a block: `read` is for data sources, the others for resources;
 * `reconfigure` is a changed provider configuration, or a backend change that keeps the state
 * where it is; `migrate-state` a backend change that looks for the state elsewhere.
 */
export type ChangeAction =
  "create" | "delete" | "replace" | "update" | "read" | "import" | "reconfigure" | "migrate-state";

/** What the prediction knows about the state beyond the `before` document. */
export interface ChangeSetOptions {
  /** Addresses of resources the state marks tainted, e.g. `aws_autoscaling_group.instances`. */
  readonly tainted?: readonly string[];
  /** Current attributes of the objects `import` blocks bring in, by the address they go to. */
  readonly importedState?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The address of the backend entry of a change set. */
export const BACKEND_ADDRESS = "terraform.backend";

/** One block (or provider configuration, or the backend) a change touches. */
export interface ResourceChange {
  /**
   * `aws_launch_configuration.instances`, `data.aws_iam_policy_document.drain`,
   * `provider.aws` or `terraform.backend`.
   */
  readonly address: string;
  readonly action: ChangeAction;
  /** Why, one short sentence each, e.g. `image_id changed`; in a deterministic order. */
  readonly reasons: readonly string[];
  /** The id an `import` block brings the object in with (rule 11). */
  readonly importId?: string;
}
