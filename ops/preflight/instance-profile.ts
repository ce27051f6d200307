import {
  GetInstanceProfileCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  type IAMClient,
  type ListRolePoliciesCommandOutput,
} from "@aws-sdk/client-iam";
import {
  ECS_INSTANCE_MANAGED_POLICY,
  isEcsInstanceManagedPolicy,
  missingEcsInstanceActions,
} from "./ecs-instance-permissions";
import { isAwsError } from "../aws-lookups";
import { type CheckFamily } from "./finding";

/**
 * The stage's `instanceProfileName`: the profile exists, holds a role, and the role carries the
 * ECS instance permissions (the rule is in ecs-instance-permissions.ts). Without them new
 * instances never register with the cluster, and the launch hook abandons each one.
 */
export const instanceProfileChecks: CheckFamily = {
  name: "the instance profile",
  async run({ config }, { iam }) {
    const value = config.instanceProfileName;
    const field = "instanceProfileName";
    let roleName: string | undefined;
    try {
      const { InstanceProfile } = await iam.send(
        new GetInstanceProfileCommand({ InstanceProfileName: value }),
      );
      roleName = InstanceProfile?.Roles?.[0]?.RoleName;
    } catch (error) {
      if (!isAwsError(error, "NoSuchEntityException", "NoSuchEntity")) throw error;
      return [{ field, value, problem: "no instance profile of this name exists in the account" }];
    }
    const attach = `attach the AWS managed policy ${ECS_INSTANCE_MANAGED_POLICY} to it`;
    if (roleName === undefined) {
      return [
        { field, value, problem: "the profile holds no role", fix: `add a role and ${attach}` },
      ];
    }
    const documents = await rolePolicyDocuments(iam, roleName);
    const missing = documents === undefined ? [] : missingEcsInstanceActions(documents);
    if (missing.length === 0) return [];
    return [
      {
        field,
        value,
        problem: `its role ${roleName} does not allow ${missing.join(", ")}: the ECS agent cannot join the cluster`,
        fix: attach,
      },
    ];
  },
};

/**
 * The policy documents of a role, decoded: inline ones and each attached managed policy's
 * default version. `undefined` when the AWS managed ECS instance policy is attached: that is
 * enough, and nothing more needs reading.
 */
async function rolePolicyDocuments(
  iam: IAMClient,
  RoleName: string,
): Promise<string[] | undefined> {
  const attached: string[] = [];
  let Marker: string | undefined;
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName, Marker }));
    for (const policy of page.AttachedPolicies ?? []) {
      if (policy.PolicyArn !== undefined) attached.push(policy.PolicyArn);
    }
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  if (attached.some(isEcsInstanceManagedPolicy)) return undefined;

  const documents: string[] = [];
  Marker = undefined;
  do {
    const page: ListRolePoliciesCommandOutput = await iam.send(
      new ListRolePoliciesCommand({ RoleName, Marker }),
    );
    for (const PolicyName of page.PolicyNames ?? []) {
      const { PolicyDocument } = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
      if (PolicyDocument !== undefined) documents.push(decodeURIComponent(PolicyDocument));
    }
    Marker = page.IsTruncated ? page.Marker : undefined;
  } while (Marker);
  for (const PolicyArn of attached) {
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy?.DefaultVersionId }),
    );
    if (PolicyVersion?.Document !== undefined) {
      documents.push(decodeURIComponent(PolicyVersion.Document));
    }
  }
  return documents;
}
