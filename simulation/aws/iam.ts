/**
 * IAM as the provider uses it for `aws_iam_role` and `aws_iam_role_policy`: roles and inline
 * policies; and, given an account, its instance profiles and their roles' policies as `check`
 * reads them.
 */
import type { Account } from "./account";
import type { SimulatedClock } from "../clock";
import {
  ACCOUNT_ID,
  AwsError,
  IdSource,
  list,
  type ServiceCall,
  type SimulatedService,
} from "./service";

interface Role {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  readonly Path: string;
  readonly CreateDate: string;
  readonly AssumeRolePolicyDocument: string;
  readonly Description?: string;
  readonly MaxSessionDuration: number;
  Tags: { Key: string; Value: string }[];
  readonly policies: Map<string, string>;
}

export class SimulatedIam implements SimulatedService {
  readonly signingName = "iam";
  readonly roles = new Map<string, Role>();

  constructor(
    private readonly ids: IdSource,
    private readonly clock: SimulatedClock,
    private readonly account?: () => Account,
  ) {}

  handle({ operation, params }: ServiceCall): object {
    const p = params as Record<string, string>;
    const account = this.account?.();
    const accountRoleRead = ROLE_READS.has(operation) && !this.roles.has(p.RoleName);
    if (account !== undefined && (ACCOUNT_OPERATIONS.has(operation) || accountRoleRead)) {
      return accountAnswer(account, operation, p);
    }
    switch (operation) {
      case "CreateRole": {
        if (this.roles.has(p.RoleName))
          throw new AwsError(
            "EntityAlreadyExists",
            `Role with name ${p.RoleName} already exists.`,
            409,
          );
        const path = p.Path ?? "/";
        const role: Role = {
          RoleName: p.RoleName,
          RoleId: this.ids.hex("AROA", 17).replace("-", "").toUpperCase(),
          Arn: `arn:aws:iam::${ACCOUNT_ID}:role${path}${p.RoleName}`,
          Path: path,
          CreateDate: new Date(this.clock.now()).toISOString(),
          AssumeRolePolicyDocument: p.AssumeRolePolicyDocument,
          Description: p.Description,
          MaxSessionDuration: Number(p.MaxSessionDuration ?? 3600),
          Tags: list(params.Tags),
          policies: new Map(),
        };
        this.roles.set(role.RoleName, role);
        return { Role: this.view(role) };
      }
      case "GetRole":
        return { Role: this.view(this.role(p.RoleName)) };
      case "ListRolePolicies":
        return { PolicyNames: [...this.role(p.RoleName).policies.keys()], IsTruncated: false };
      case "ListAttachedRolePolicies":
        this.role(p.RoleName);
        return { AttachedPolicies: [], IsTruncated: false };
      case "ListInstanceProfilesForRole":
        this.role(p.RoleName);
        return { InstanceProfiles: [], IsTruncated: false };
      case "ListRoleTags":
        return { Tags: this.role(p.RoleName).Tags, IsTruncated: false };
      case "TagRole":
        this.role(p.RoleName).Tags.push(...list<{ Key: string; Value: string }>(params.Tags));
        return {};
      case "PutRolePolicy":
        this.role(p.RoleName).policies.set(p.PolicyName, p.PolicyDocument);
        return {};
      case "GetRolePolicy":
        return rolePolicy(p, this.role(p.RoleName).policies.get(p.PolicyName));
      case "DeleteRolePolicy":
        this.role(p.RoleName).policies.delete(p.PolicyName);
        return {};
      case "DeleteRole": {
        const role = this.role(p.RoleName);
        if (role.policies.size > 0)
          throw new AwsError(
            "DeleteConflict",
            "Cannot delete entity, must delete policies first.",
            409,
          );
        this.roles.delete(p.RoleName);
        return {};
      }
      default:
        throw new AwsError("InvalidAction", `simulated IAM has no ${operation}`);
    }
  }

  private role(name: string): Role {
    const role = this.roles.get(name);
    if (role === undefined)
      throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  private view(role: Role): object {
    const { policies, AssumeRolePolicyDocument, ...rest } = role;
    void policies;
    return {
      ...rest,
      AssumeRolePolicyDocument: encodeURIComponent(AssumeRolePolicyDocument),
      RoleLastUsed: {},
    };
  }
}

/** What IAM answers from the account alone. */
const ACCOUNT_OPERATIONS = new Set(["GetInstanceProfile", "GetPolicy", "GetPolicyVersion"]);
/** Reads of a role's policies, answered from the account for a role the provider did not create. */
const ROLE_READS = new Set(["ListAttachedRolePolicies", "ListRolePolicies", "GetRolePolicy"]);

function accountAnswer(account: Account, operation: string, p: Record<string, string>): object {
  switch (operation) {
    case "GetInstanceProfile": {
      const name = p.InstanceProfileName;
      if (!Object.hasOwn(account.instanceProfiles, name))
        throw new AwsError("NoSuchEntity", `Instance Profile ${name} cannot be found.`, 404);
      const role = account.instanceProfiles[name];
      return {
        InstanceProfile: {
          InstanceProfileName: name,
          Roles: role === null ? [] : [{ RoleName: role }],
        },
      };
    }
    case "ListAttachedRolePolicies":
      return {
        AttachedPolicies: (account.attachedPolicies[p.RoleName] ?? []).map((arn) => ({
          PolicyArn: arn,
          PolicyName: arn.split("/").pop(),
        })),
        IsTruncated: false,
      };
    case "ListRolePolicies":
      return {
        PolicyNames: Object.keys(account.inlinePolicies[p.RoleName] ?? {}),
        IsTruncated: false,
      };
    case "GetRolePolicy": {
      const document = account.inlinePolicies[p.RoleName]?.[p.PolicyName];
      return rolePolicy(p, document === undefined ? undefined : JSON.stringify(document));
    }
    case "GetPolicy":
      return { Policy: { Arn: p.PolicyArn, DefaultVersionId: "v1" } };
    case "GetPolicyVersion":
      return {
        PolicyVersion: {
          VersionId: p.VersionId,
          Document: encodeURIComponent(JSON.stringify(account.managedPolicies[p.PolicyArn] ?? {})),
        },
      };
    default:
      throw new AwsError("NoSuchEntity", `The role with name ${p.RoleName} cannot be found.`, 404);
  }
}

/** GetRolePolicy's answer: the document URL-encoded, as IAM returns it (the provider decodes it). */
function rolePolicy(p: Record<string, string>, document: string | undefined): object {
  if (document === undefined)
    throw new AwsError(
      "NoSuchEntity",
      `The role policy with name ${p.PolicyName} cannot be found.`,
      404,
    );
  return {
    RoleName: p.RoleName,
    PolicyName: p.PolicyName,
    PolicyDocument: encodeURIComponent(document),
  };
}
