import { TerraformElement } from "cdktf";

/**
 * Gives a resource or data source a fixed, readable Terraform address (`<type>.<name>`) instead
 * of cdktf's path-and-hash one, so plans read like the runbook. Addresses are API: renaming one
 * means destroy-and-recreate in production. ClusterStack rejects two elements with one address.
 */
export function readable<T extends TerraformElement>(element: T, name: string): T {
  element.overrideLogicalId(name);
  return element;
}
