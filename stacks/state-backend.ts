import { Construct } from "constructs";
import { S3Backend } from "cdktf";

export interface StateBackendProps {
  /** S3 bucket holding the state. */
  readonly bucket: string;
  /** Key of this stage's state object in the bucket. */
  readonly key: string;
  /** Region of the bucket. */
  readonly region: string;
  /**
   * DynamoDB table that locks the state, for Terraform older than 1.10.
   * @default none — the state is locked by a lock file next to it in S3 (`use_lockfile`,
   * Terraform 1.10 or newer, which deprecates `dynamodb_table` and warns on every `init`)
   */
  readonly lockTable?: string;
}

/**
 * The S3 backend of one stage's state, encrypted and locked. cdktf 0.21's S3Backend does not
 * know `use_lockfile` (added in Terraform 1.10), so it is added to the synthesized block here.
 */
export class StateBackend extends S3Backend {
  /**
   * The oldest Terraform that can use this backend: 1.10 with `use_lockfile`, else 1.5 (the
   * `import` blocks of an adoption). An older one would stop at an unknown backend argument.
   */
  public readonly minimumTerraformVersion: string;
  private readonly usesLockfile: boolean;

  constructor(scope: Construct, props: StateBackendProps) {
    super(scope, {
      bucket: props.bucket,
      key: props.key,
      region: props.region,
      encrypt: true,
      dynamodbTable: props.lockTable,
    });
    // Both settings at once make Terraform take two locks; older versions reject use_lockfile.
    this.usesLockfile = props.lockTable === undefined;
    this.minimumTerraformVersion = this.usesLockfile ? "1.10" : "1.5";
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const attributes = super.synthesizeAttributes();
    return this.usesLockfile ? { ...attributes, use_lockfile: true } : attributes;
  }
}
