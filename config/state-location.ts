/**
 * Where a stage's Terraform state lives in its bucket. The stack's backend writes it and the
 * change guard checks a plan against it, so both read it here.
 */
export function stateKey(stage: string): string {
  return `apps-cluster/${stage}/terraform.tfstate`;
}
