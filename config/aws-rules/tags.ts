/**
 * AWS's rules for the tags a stage adds (`tags` in stacks/stages.json), checked with the tags
 * the project adds itself, since AWS counts them together: "Tag naming limits and requirements"
 * in the AWS tagging guide (the rules every service this stack tags shares).
 */

/** The tags the project puts on every resource of a stage (the provider's default tags). */
export function projectTags(stage: string): Record<string, string> {
  return { Project: "apps-cluster", Stage: stage, ManagedBy: "cdktf" };
}

/** The tag the ASG adds to its instances (constructs/cluster-instances.ts): the cluster's name. */
const INSTANCE_NAME_TAG = "Name";

/**
 * The ASG's own tag holding Terraform's delete timeout for it (constructs/cluster-instances.ts):
 * a change of `timeouts` alone plans nothing, so the timeout also lives in a tag, whose change
 * updates the group in place and with it the timeout Terraform keeps in the state.
 */
export const DELETE_TIMEOUT_TAG = "TerraformDeleteTimeout";

const MAX_TAGS_PER_RESOURCE = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
/** Letters, digits and spaces of any script, and `_ . : / = + - @`. */
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const ALLOWED_RULE = "letters, digits, spaces and _ . : / = + - @";

/** One broken rule: about a key (`key` names it) or about the value of `valueKey`. */
export interface TagProblem {
  readonly message: string;
  /** The key the problem is about. */
  readonly key?: string;
  /** The key whose value the problem is about. */
  readonly valueKey?: string;
}

/** Characters as AWS counts them (Unicode code points, not UTF-16 units). */
const length = (text: string) => [...text].length;

/** The first rule `tags` breaks, or `undefined` when AWS accepts them. */
export function tagProblem(tags: Readonly<Record<string, string>>): TagProblem | undefined {
  const added = [...Object.keys(projectTags("any stage")), INSTANCE_NAME_TAG, DELETE_TIMEOUT_TAG];
  const total = new Set([...added, ...Object.keys(tags)]).size;
  if (total > MAX_TAGS_PER_RESOURCE) {
    const own = MAX_TAGS_PER_RESOURCE - added.length;
    return {
      message: `must have at most ${own} tags of its own (AWS allows ${MAX_TAGS_PER_RESOURCE} on a resource, and the project adds ${added.join(", ")})`,
    };
  }
  for (const [key, value] of Object.entries(tags)) {
    if (key === DELETE_TIMEOUT_TAG) {
      return {
        key,
        message: `the project sets ${DELETE_TIMEOUT_TAG} on the autoscaling group itself (the delete timeout Terraform waits with)`,
      };
    }
    if (key.toLowerCase().startsWith("aws:")) {
      return {
        key,
        message: 'a tag key must not start with "aws:" (AWS reserves it for its own tags)',
      };
    }
    if (length(key) < 1 || length(key) > MAX_KEY_LENGTH) {
      return { key, message: `a tag key must be 1 to ${MAX_KEY_LENGTH} characters (AWS's limit)` };
    }
    if (!ALLOWED.test(key)) {
      return { key, message: `a tag key may hold only ${ALLOWED_RULE} (AWS's rule)` };
    }
    if (length(value) > MAX_VALUE_LENGTH) {
      return {
        valueKey: key,
        message: `a tag value must be at most ${MAX_VALUE_LENGTH} characters (AWS's limit)`,
      };
    }
    if (!ALLOWED.test(value)) {
      return { valueKey: key, message: `a tag value may hold only ${ALLOWED_RULE} (AWS's rule)` };
    }
  }
  return undefined;
}
