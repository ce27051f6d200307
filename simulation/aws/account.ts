/**
 * What an AWS account holds beside the stacks' own resources, as `check` looks it up: the
 * region's images and instance types, the VPC's subnets and security groups, key pairs,
 * instance profiles and their roles' policies, buckets, topics and clusters, and the calls the
 * caller may not make or that AWS throttles. The simulated services answer from it; the
 * scripted account of the CLI's tests and the sandbox each hold one.
 */
import { COMMITTED_AMI } from "../amis";
import { AwsError, type SimulatedService } from "./service";

export const ECS_POLICY =
  "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role";

export interface Account {
  /** By id: what DescribeImages says. */
  images: Record<
    string,
    {
      name: string;
      ownerAlias: string;
      architecture: string;
      state: string;
      /** ISO 8601, as DescribeImages has it. */
      creationDate?: string;
    }
  >;
  /** Instance type -> its architectures, and the zones that offer it. */
  instanceTypes: Record<string, { architectures: string[]; zones: string[] }>;
  subnets: Record<string, { zone: string; vpc: string; mapsPublicIp?: boolean }>;
  /** The names of the region's key pairs. */
  keyPairs: string[];
  /** Security group id -> its VPC. */
  securityGroups: Record<string, string>;
  /** Instance profile -> its role (`null`: none). */
  instanceProfiles: Record<string, string | null>;
  /** Role -> the ARNs of its attached managed policies. */
  attachedPolicies: Record<string, string[]>;
  /** Role -> its inline policies' documents, by name. */
  inlinePolicies: Record<string, Record<string, object>>;
  /** Managed policy ARN -> its default version's document. */
  managedPolicies: Record<string, object>;
  buckets: Record<string, { region: string; versioning?: "Enabled" | "Suspended" }>;
  /** Topic ARN -> its KmsMasterKeyId, if any. */
  topics: Record<string, { kmsKey?: string }>;
  clusters: Record<string, { status: string; tags: Record<string, string> }>;
  /** Operations the caller may not call: AWS denies them. */
  denied: string[];
  /** Operations AWS throttles, every time. */
  throttled: string[];
  /** Operations AWS fails on its side (HTTP 500), every time. */
  failing: string[];
  /** Operations whose answer is cut off halfway through its body (the XML or JSON unfinished). */
  cutOff: string[];
}

export function correctAccount(): Account {
  const profile = (name: string) => [name, `${name}-role`] as const;
  return {
    images: {
      [COMMITTED_AMI]: {
        name: "al2023-ami-ecs-hvm-2023.0.20261002-kernel-6.1-x86_64",
        ownerAlias: "amazon",
        architecture: "x86_64",
        state: "available",
      },
    },
    instanceTypes: {
      "t3.large": { architectures: ["x86_64"], zones: ["us-east-1a", "us-east-1b", "us-east-1c"] },
      "m6i.large": { architectures: ["x86_64"], zones: ["us-east-1a", "us-east-1b"] },
    },
    subnets: {
      "subnet-0a1b2c3d4e5f60718": { zone: "us-east-1a", vpc: "vpc-0staging000000001" },
      "subnet-0b2c3d4e5f6071829": { zone: "us-east-1a", vpc: "vpc-0production00001" },
      "subnet-0c3d4e5f607182930": { zone: "us-east-1b", vpc: "vpc-0production00001" },
    },
    securityGroups: {
      "sg-0a1b2c3d4e5f60719": "vpc-0staging000000001",
      "sg-0b2c3d4e5f607182a": "vpc-0production00001",
    },
    keyPairs: ["apps-ops"],
    instanceProfiles: Object.fromEntries([
      profile("apps-staging-ecs-instance"),
      profile("apps-production-ecs-instance"),
    ]),
    attachedPolicies: {
      "apps-staging-ecs-instance-role": [ECS_POLICY],
      "apps-production-ecs-instance-role": [ECS_POLICY],
    },
    inlinePolicies: {},
    managedPolicies: {},
    buckets: { "cob-digital-terraform-state": { region: "us-east-1", versioning: "Enabled" } },
    topics: { "arn:aws:sns:us-east-1:123456789012:digital-oncall": {} },
    clusters: {
      "apps-staging": { status: "ACTIVE", tags: projectTags("staging") },
      "apps-production": { status: "ACTIVE", tags: projectTags("production") },
    },
    denied: [],
    throttled: [],
    failing: [],
    cutOff: [],
  };
}

const projectTags = (stage: string) => ({
  Project: "apps-cluster",
  Stage: stage,
  ManagedBy: "cdktf",
});

/**
 * `service` answering only what the account lets the caller do: a denied operation fails as AWS
 * denies it, a throttled one as AWS throttles it, every time (EC2 has codes of its own).
 */
export function withAccountRefusals(
  service: SimulatedService,
  account: () => Account,
): SimulatedService {
  const ec2 = service.signingName === "ec2";
  return {
    signingName: service.signingName,
    route: service.route?.bind(service),
    handle: (call) => {
      const { denied, throttled } = account();
      if (denied.includes(call.operation))
        throw new AwsError(
          ec2 ? "UnauthorizedOperation" : "AccessDenied",
          `not authorized to perform ${call.operation}`,
        );
      if (throttled.includes(call.operation))
        throw new AwsError(ec2 ? "RequestLimitExceeded" : "Throttling", "Rate exceeded");
      if (account().failing.includes(call.operation)) throw internalError(service.signingName);
      const answer = service.handle(call);
      return account().cutOff.includes(call.operation) ? cutOffAnswer(answer) : answer;
    },
  };
}

/** AWS failing on its side: HTTP 500, with the code each protocol's services use. */
export function internalError(signingName: string): AwsError {
  const code = ["iam", "ecs"].includes(signingName) ? "InternalFailure" : "InternalError";
  return new AwsError(code, "internal error", 500);
}

/** An answer whose encoded body the server sends only half of (the connection cut mid-body). */
function cutOffAnswer(answer: object): object {
  const { output, statusCode } =
    "output" in answer
      ? (answer as { output: object; statusCode?: number })
      : { output: answer, statusCode: 200 };
  return { output, statusCode, cutOffBody: true };
}
