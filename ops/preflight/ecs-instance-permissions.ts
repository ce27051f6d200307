/**
 * Whether an instance role lets the ECS agent do its work, judged from its policy documents.
 *
 * The rule `check` applies (README, "check"): the role passes when the AWS managed policy
 * AmazonEC2ContainerServiceforEC2Role is attached, or when its policies (inline, and the default
 * version of each attached managed policy) allow every action of ECS_INSTANCE_ACTIONS: an
 * `Allow` statement without a `Condition` whose `Action` matches the action (IAM's `*` and `?`
 * wildcards, any case), and no `Deny` statement whose `Action` matches it. Resources are not
 * judged (a role may rightly scope them to the cluster); `NotAction` allows nothing here.
 */

/** The managed policy AWS provides for container instances, by name (its ARN has the partition). */
export const ECS_INSTANCE_MANAGED_POLICY = "AmazonEC2ContainerServiceforEC2Role";

/**
 * What the ECS agent calls to join the cluster and run tasks on it: register and deregister the
 * instance, find and poll its endpoint, report container and task state, send telemetry.
 */
export const ECS_INSTANCE_ACTIONS = [
  "ecs:RegisterContainerInstance",
  "ecs:DeregisterContainerInstance",
  "ecs:DiscoverPollEndpoint",
  "ecs:Poll",
  "ecs:StartTelemetrySession",
  "ecs:SubmitContainerStateChange",
  "ecs:SubmitTaskStateChange",
] as const;

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Condition?: unknown;
}

/** Whether `arn` is the AWS managed ECS instance policy (in any partition). */
export function isEcsInstanceManagedPolicy(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\/service-role\/AmazonEC2ContainerServiceforEC2Role$/.test(
    arn,
  );
}

/** The actions of ECS_INSTANCE_ACTIONS that `documents` (policy JSON texts) do not allow. */
export function missingEcsInstanceActions(documents: readonly string[]): string[] {
  const statements = documents.flatMap(statementsOf);
  const matching = (effect: string, action: string) =>
    statements.some(
      (statement) =>
        statement.Effect === effect &&
        (effect === "Deny" || statement.Condition === undefined) &&
        listOf(statement.Action).some((pattern) => actionPattern(pattern).test(action)),
    );
  return ECS_INSTANCE_ACTIONS.filter(
    (action) => !matching("Allow", action) || matching("Deny", action),
  );
}

/** The statements of one policy document; a document that is not JSON has none. */
function statementsOf(document: string): Statement[] {
  try {
    const { Statement: statements } = JSON.parse(document) as { Statement?: unknown };
    return listOf(statements).filter(
      (statement): statement is Statement => typeof statement === "object" && statement !== null,
    );
  } catch {
    return [];
  }
}

function listOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** An IAM action pattern as a regular expression: `*` any run of characters, `?` one. */
function actionPattern(pattern: unknown): RegExp {
  if (typeof pattern !== "string") return /$^/;
  const body = pattern
    .split("")
    .map((char) =>
      char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}$`, "i");
}
