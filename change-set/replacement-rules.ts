import type { JsonValue } from "./document";

/**
 * Which changed arguments of a resource type make Terraform replace the object instead of
 * updating it in place, as declared by the hashicorp/aws provider (v6) in the resource schema.
 */
export type ReplacementRule =
  /** The resource has no Update function, so the provider marks every argument `ForceNew`. */
  | { readonly kind: "every-argument" }
  | {
      readonly kind: "listed";
      /** Arguments declared `ForceNew: true`. */
      readonly forceNew: ReadonlySet<string>;
      /** Arguments that force replacement only for some changes (a `CustomizeDiff` `ForceNewIfChange`). */
      readonly forceNewWhen: ReadonlyMap<string, ForceNewCondition>;
    };

/** Decides from an argument's old and new value (undefined when unset) whether it forces replacement. */
export type ForceNewCondition = (
  before: JsonValue | undefined,
  after: JsonValue | undefined,
) => boolean;

/** How one changed argument affects its resource. */
export type ReplacementVerdict = "in-place" | "forces-replacement" | "replacement-assumed";

// Provider v6 adds `region` to regional resources; changing it forces replacement
// (website/docs/guides/enhanced-region-support.html.markdown). IAM is global and has none.
const REGION = "region";

const everyArgument: ReplacementRule = { kind: "every-argument" };

function listed(
  forceNew: readonly string[],
  forceNewWhen: Readonly<Record<string, ForceNewCondition>> = {},
): ReplacementRule {
  return {
    kind: "listed",
    forceNew: new Set(forceNew),
    forceNewWhen: new Map(Object.entries(forceNewWhen)),
  };
}

const addedOrRemoved: ForceNewCondition = (before, after) => isSet(before) !== isSet(after);

/**
 * Force-new arguments by resource type, read from the resource schemas in
 * github.com/hashicorp/terraform-provider-aws (paths under internal/service/). A type that is not
 * listed is assumed to be replaced on any change.
 */
export const REPLACEMENT_RULES: Readonly<Record<string, ReplacementRule>> = {
  // autoscaling/group.go. The inline lifecycle hooks are ForceNew as a whole.
  aws_autoscaling_group: listed(["initial_lifecycle_hook", "name", "name_prefix", REGION]),
  // logs/group.go
  aws_cloudwatch_log_group: listed(["log_group_class", "name", "name_prefix", REGION]),
  // cloudwatch/metric_alarm.go
  aws_cloudwatch_metric_alarm: listed(["alarm_name", REGION]),
  // ecs/cluster.go
  aws_ecs_cluster: listed(["name", REGION]),
  // iam/instance_profile.go
  aws_iam_instance_profile: listed(["name", "name_prefix", "path"]),
  // iam/role.go
  aws_iam_role: listed(["name", "name_prefix", "path"]),
  // iam/role_policy.go
  aws_iam_role_policy: listed(["name", "name_prefix", "role"]),
  // iam/role_policy_attachment.go: no Update (role, policy_arn).
  aws_iam_role_policy_attachment: everyArgument,
  // lambda/function.go. durable_config: ForceNewIfChange when the block is added or removed.
  aws_lambda_function: listed(["function_name", "package_type", "tenancy_config", REGION], {
    durable_config: addedOrRemoved,
  }),
  // lambda/function_recursion_config.go (plugin framework: function_name RequiresReplace).
  aws_lambda_function_recursion_config: listed(["function_name", REGION]),
  // lambda/permission.go: no Update.
  aws_lambda_permission: everyArgument,
  // autoscaling/launch_configuration.go: no Update.
  aws_launch_configuration: everyArgument,
  // ec2/ec2_launch_template.go: every launch argument updates in place, as a new version.
  aws_launch_template: listed(["name", "name_prefix", REGION]),
  // sns/topic.go
  aws_sns_topic: listed(["fifo_topic", "name", "name_prefix", REGION]),
  // sns/topic_policy.go
  aws_sns_topic_policy: listed(["arn", REGION]),
  // sns/topic_subscription.go
  aws_sns_topic_subscription: listed(["endpoint", "protocol", "topic_arn", REGION]),
  // sqs/queue.go
  aws_sqs_queue: listed(["fifo_queue", "name", "name_prefix", REGION]),
  // Terraform's built-in terraform_data: `triggers_replace` replaces it, `input` is updated.
  terraform_data: listed(["triggers_replace"]),
};

/**
 * Computed attributes that take a new value when a resource is updated in place, as a
 * provider's CustomizeDiff marks them (`SetNewComputed`), with the arguments whose change does
 * not do that. Whatever reads such an attribute changes with the update.
 */
export const RECOMPUTED_ON_UPDATE: Readonly<
  Record<string, { readonly attributes: readonly string[]; readonly except: ReadonlySet<string> }>
> = {
  // ec2/ec2_launch_template.go: latest_version is known only after apply for any change but
  // these three, tags included (the real provider's plans, 5.100.0, offline): whatever reads it
  // changes with the update, even where AWS then makes no new version.
  aws_launch_template: {
    attributes: ["latest_version"],
    except: new Set(["default_version", "description", "update_default_version"]),
  },
};

/** The computed attributes of a resource updated in place that change with the update. */
export function recomputedOnUpdate(type: string, changed: Iterable<string>): readonly string[] {
  if (!Object.hasOwn(RECOMPUTED_ON_UPDATE, type)) return [];
  const { attributes, except } = RECOMPUTED_ON_UPDATE[type];
  return [...changed].some((attribute) => !except.has(attribute)) ? attributes : [];
}

/**
 * Whether a change to one top-level argument of a resource forces its replacement.
 * `timeouts` only tells Terraform how long to wait, so it is always an in-place change.
 */
export function replacementVerdict(
  type: string,
  attribute: string,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
): ReplacementVerdict {
  if (attribute === "timeouts") return "in-place";
  if (!Object.hasOwn(REPLACEMENT_RULES, type)) return "replacement-assumed";
  const rule = REPLACEMENT_RULES[type];
  if (rule.kind === "every-argument" || rule.forceNew.has(attribute)) return "forces-replacement";
  const condition = rule.forceNewWhen.get(attribute);
  return condition !== undefined && condition(before, after) ? "forces-replacement" : "in-place";
}

// Terraform JSON treats null, an omitted argument and an empty block list alike.
function isSet(value: JsonValue | undefined): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}
