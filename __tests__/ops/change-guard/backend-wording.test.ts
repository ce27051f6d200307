import { readFileSync } from "node:fs";
import {
  changeSet,
  formatChangeSet,
  type BlockConfig,
  type SynthesizedDocument,
} from "../../../change-set/change-set";
import { backendFieldsTable } from "../../../change-set/backend";
import { destructiveChanges } from "../../../ops/change-guard/destructive";
import { generatedSection, tableCells } from "../../support/generated-table";

/**
 * What the change guard says of each backend field's change, and that docs/state-backend.md says
 * the same: a move of the state is `-migrate-state` and a STOP, a change of how it is reached is
 * `-reconfigure` and passes.
 */

const S3: BlockConfig = {
  bucket: "cob-digital-terraform-state",
  key: "apps-cluster/staging/terraform.tfstate",
  region: "us-east-1",
  encrypt: true,
  use_lockfile: true,
};

const withBackend = (backend: BlockConfig): SynthesizedDocument => ({
  terraform: { backend: { s3: backend } },
  resource: { aws_ecs_cluster: { cluster: { name: "AppsStaging" } } },
});

const MOVED =
  "staging: STOP migrate-state of terraform.backend ({reasons}): the stage's Terraform state is looked for elsewhere: without `terraform init -migrate-state` first, the next plan creates every resource again beside the live ones";

describe("the change guard on a backend change", () => {
  test.each<[string, BlockConfig, string, boolean]>([
    ["bucket", { ...S3, bucket: "other-state" }, "bucket changed", true],
    ["key", { ...S3, key: "apps-cluster/production/terraform.tfstate" }, "key changed", true],
    ["region", { ...S3, region: "us-west-2" }, "region changed", true],
    ["encrypt", { ...S3, encrypt: false }, "encrypt changed", false],
    ["use_lockfile", { ...S3, use_lockfile: false }, "use_lockfile changed", false],
    [
      "dynamodb_table (stateLockTable set: both lock fields change)",
      {
        bucket: "cob-digital-terraform-state",
        key: "apps-cluster/staging/terraform.tfstate",
        region: "us-east-1",
        encrypt: true,
        dynamodb_table: "locks",
      },
      "dynamodb_table changed; use_lockfile changed",
      false,
    ],
    [
      "a field it does not know (workspace_key_prefix)",
      { ...S3, workspace_key_prefix: "apps" },
      "workspace_key_prefix changed",
      true,
    ],
    [
      "a lock field and the bucket at once",
      { ...S3, bucket: "other-state", use_lockfile: false },
      "bucket changed; use_lockfile changed",
      true,
    ],
  ])("%s", (_field, after, reasons, moves) => {
    const changes = changeSet(withBackend(S3), withBackend(after));
    expect(changes).toEqual([
      {
        address: "terraform.backend",
        action: moves ? "migrate-state" : "reconfigure",
        reasons: reasons.split("; "),
      },
    ]);
    expect(formatChangeSet(changes)).toBe(
      `! backend changed: terraform init ${moves ? "-migrate-state" : "-reconfigure"} needed (${reasons})`,
    );
    expect(destructiveChanges("staging", changes)).toEqual(
      moves ? [MOVED.replace("{reasons}", reasons)] : [],
    );
  });

  it("is what docs/state-backend.md says, field by field", () => {
    const doc = readFileSync("docs/state-backend.md", "utf8");
    const table = generatedSection(doc, "backend-fields");
    expect(tableCells(table)).toEqual(tableCells(backendFieldsTable()));
    // Every field the stacks' backend sets (stacks/state-backend.ts) has its row.
    expect(tableCells(table).map(([field]) => field)).toEqual([
      "field",
      "---",
      ...["bucket", "key", "region", "encrypt", "use_lockfile", "dynamodb_table"].map(
        (field) => `\`${field}\``,
      ),
      "any other field, another backend type",
    ]);
  });
});
