import { Construct } from "constructs";
import {
  anyToHclTerraform,
  anyToTerraform,
  hashMapper,
  hashMapperHcl,
  TerraformResource,
} from "cdktf";

/**
 * Terraform's built-in `terraform_data` with only `triggers_replace`: when those values change it
 * is replaced, and so is every resource that names it in `lifecycle.replace_triggered_by`.
 *
 * Not cdktf's DataResource: that one runs `terraform version` at every synth to check for 1.4 or
 * newer, which fails wherever no terraform binary is installed and costs ~60 ms per stack; the
 * stacks need Terraform 1.5 or newer anyway.
 */
export class ReplacementTrigger extends TerraformResource {
  private readonly triggersReplace: Readonly<Record<string, unknown>>;

  constructor(scope: Construct, id: string, triggersReplace: Readonly<Record<string, unknown>>) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
    });
    this.triggersReplace = triggersReplace;
  }

  /**
   * The bare address `replace_triggered_by` needs: given the resource itself, cdktf would write
   * `${terraform_data.x}`, which Terraform rejects there.
   */
  public get address(): string {
    return `${this.terraformResourceType}.${this.friendlyUniqueId}`;
  }

  /** The id Terraform generates for each new object: a new one with every replacement. */
  public get id(): string {
    return this.getStringAttribute("id");
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapper(anyToTerraform)(this.triggersReplace) };
  }

  protected synthesizeHclAttributes(): Record<string, unknown> {
    return { triggers_replace: hashMapperHcl(anyToHclTerraform)(this.triggersReplace) };
  }
}
