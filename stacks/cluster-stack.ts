import { Construct } from "constructs";
import { TerraformDataSource, TerraformResource, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AppsCluster } from "../constructs/apps-cluster";
import { ConfigError } from "../config/config-error";
import { StageConfig } from "../config/stages";
import type { ImportEntry } from "../config/imports";
import { projectTags } from "../config/aws-rules/tags";
import { stateKey } from "../config/state-location";
import { StateBackend } from "./state-backend";

export interface ClusterStackProps {
  /** The stage's validated settings from stacks/stages.json. */
  readonly config: StageConfig;
  /** Path of the packaged drain function zip. */
  readonly drainCodeZipPath: string;
}

/**
 * One stage of stacks/stages.json: the AWS provider with the stage's region and default tags,
 * the S3 backend holding the stage's own state with the Terraform version it needs, and the apps
 * cluster.
 */
export class ClusterStack extends TerraformStack {
  public readonly appsCluster: AppsCluster;

  constructor(scope: Construct, stage: string, props: ClusterStackProps) {
    super(scope, stage);
    const { region, stateBucket, stateLockTable, tags: stageTags, ...cluster } = props.config;
    const tags = { ...projectTags(stage), ...stageTags };

    new AwsProvider(this, "aws", { region, defaultTags: [{ tags }] });
    const backend = new StateBackend(this, {
      bucket: stateBucket,
      key: stateKey(stage),
      region,
      lockTable: stateLockTable,
    });
    // An older Terraform then refuses the stack in one line naming the version it needs.
    this.addOverride("terraform.required_version", `>= ${backend.minimumTerraformVersion}`);

    this.appsCluster = new AppsCluster(this, "AppsCluster", {
      ...cluster,
      drainCodeZipPath: props.drainCodeZipPath,
      // Default tags do not reach instances an ASG launches; the ASG propagates these.
      tags,
    });
    this.node.addValidation({ validate: () => duplicateAddresses(this) });
  }

  /**
   * Takes over live objects instead of creating them (stacks/imports/<stage>.json): a Terraform
   * `import` block for each. An address the stack does not have is an error.
   *
   * The blocks are written here rather than by cdktf's `importFrom`, which also makes every synth
   * run `terraform version` to check for 1.5: a synth without Terraform on the machine (a CI
   * job's) would fail with a stack trace. The stack's `required_version` (>= 1.5) makes
   * Terraform itself refuse an older version, in one line.
   */
  public importExisting(imports: readonly ImportEntry[]): void {
    const addresses = new Set<string>();
    for (const node of this.node.findAll()) {
      if (node instanceof TerraformResource) {
        addresses.add(`${node.terraformResourceType}.${node.friendlyUniqueId}`);
      }
    }
    imports.forEach(({ to }, i) => {
      if (!addresses.has(to)) {
        throw new ConfigError(
          `imports[${i}].to: ${to} is not a resource of the ${this.node.id} stack`,
        );
      }
    });
    if (imports.length > 0)
      this.addOverride(
        "import",
        imports.map(({ id, to }) => ({ id, to })),
      );
  }
}

/**
 * Fixed logical ids (see constructs/readable-address.ts) could collide, and Terraform JSON would
 * silently merge the two blocks; this reports every address claimed twice.
 */
function duplicateAddresses(stack: TerraformStack): string[] {
  const paths = new Map<string, string>();
  const errors: string[] = [];
  for (const node of stack.node.findAll()) {
    const isData = node instanceof TerraformDataSource;
    if (!isData && !(node instanceof TerraformResource)) continue;
    const address = `${isData ? "data." : ""}${node.terraformResourceType}.${node.friendlyUniqueId}`;
    const other = paths.get(address);
    if (other) errors.push(`${address} is claimed by both ${other} and ${node.node.path}`);
    paths.set(address, node.node.path);
  }
  return errors;
}
