import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startAwsEndpoint, type AwsEndpoint, type AwsRequest } from "./scripted-endpoint";
import type { AwsAnswer, WireReply } from "./wire";
import { correctAccount, type Account } from "./account";

export { correctAccount, type Account } from "./account";

/**
 * A scripted AWS account for `check`, served on loopback through AWS_ENDPOINT_URL: EC2, IAM,
 * SNS and ECS on the project's local endpoint, S3 (a REST protocol that endpoint does not
 * decode) on a small server of its own (AWS_ENDPOINT_URL_S3). By default it holds exactly what
 * the CLI's stages fixture names, all correct; a test changes one thing and expects one finding.
 * Every call is recorded as `<service> <operation>`.
 */

export interface ScriptedAccount {
  account: Account;
  /** The environment that points the SDK at it, with static credentials. */
  readonly env: Record<string, string>;
  /** Every call so far, `<service> <operation>`, in order. */
  calls(): string[];
  reset(account?: Account): void;
  close(): Promise<void>;
}

export async function startScriptedAccount(): Promise<ScriptedAccount> {
  const endpoint: AwsEndpoint = await startAwsEndpoint();
  const s3Calls: string[] = [];
  const scripted: ScriptedAccount = {
    account: correctAccount(),
    env: {},
    calls: () => [
      ...endpoint.requests.map((request) => `${request.service} ${request.operation}`),
      ...s3Calls,
    ],
    reset(account = correctAccount()) {
      scripted.account = account;
      endpoint.requests.length = 0;
      s3Calls.length = 0;
    },
    close: async () => {
      await endpoint.close();
      await new Promise((closed) => s3.close(closed));
    },
  };
  endpoint.answer = (request) => answer(scripted.account, request);
  const s3: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://s3");
    const bucket = decodeURIComponent(url.pathname.split("/")[1] ?? "");
    const operation =
      request.method === "HEAD"
        ? "HeadBucket"
        : url.searchParams.has("versioning")
          ? "GetBucketVersioning"
          : `${request.method} ${url.pathname}${url.search}`;
    s3Calls.push(`s3 ${operation}`);
    const reply = s3Answer(scripted.account, operation, bucket);
    request.resume();
    request.on("end", () => response.writeHead(reply.statusCode, reply.headers).end(reply.body));
  });
  await new Promise<void>((listening) => s3.listen(0, "127.0.0.1", listening));
  Object.assign(scripted.env, {
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${(s3.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
  });
  return scripted;
}

/** The EC2, IAM, SNS and ECS answers, from the account. */
function answer(account: Account, request: AwsRequest): AwsAnswer | WireReply {
  const { operation, params } = request;
  if (account.denied.includes(operation)) {
    const code = request.service === "ec2" ? "UnauthorizedOperation" : "AccessDenied";
    return { error: code, message: `not authorized to perform ${operation}` };
  }
  if (account.throttled.includes(operation)) {
    const code = request.service === "ec2" ? "RequestLimitExceeded" : "Throttling";
    return { error: code, message: "Rate exceeded" };
  }
  const listed = (prefix: string) =>
    Object.entries(params)
      .filter(([key]) => new RegExp(`^${prefix}\\.\\d+$`).test(key))
      .map(([, value]) => String(value));
  const missing = (ids: string[], known: object) => ids.filter((id) => !Object.hasOwn(known, id));
  switch (operation) {
    case "DescribeImages": {
      const ids = listed("ImageId");
      if (missing(ids, account.images).length > 0) {
        return {
          error: "InvalidAMIID.NotFound",
          message: `The image id '[${ids}]' does not exist`,
        };
      }
      const imagesSet = ids.map((id) => {
        const { name, ownerAlias, architecture, state } = account.images[id];
        return { imageId: id, name, imageOwnerAlias: ownerAlias, architecture, imageState: state };
      });
      return { output: { imagesSet } };
    }
    case "DescribeInstanceTypes": {
      const [type] = listed("InstanceType");
      if (!Object.hasOwn(account.instanceTypes, type)) {
        return {
          error: "InvalidInstanceType",
          message: `The following supplied instance types do not exist: [${type}]`,
        };
      }
      const { architectures } = account.instanceTypes[type];
      return {
        output: {
          instanceTypeSet: [
            { instanceType: type, processorInfo: { supportedArchitectures: architectures } },
          ],
        },
      };
    }
    case "DescribeInstanceTypeOfferings": {
      const type = String(params["Filter.1.Value.1"]);
      const zones = account.instanceTypes[type]?.zones ?? [];
      return {
        output: {
          instanceTypeOfferingSet: zones.map((location) => ({
            instanceType: type,
            locationType: "availability-zone",
            location,
          })),
        },
      };
    }
    case "DescribeSubnets": {
      const ids = listed("SubnetId");
      if (missing(ids, account.subnets).length > 0) {
        return {
          error: "InvalidSubnetID.NotFound",
          message: `The subnet ID '${missing(ids, account.subnets)}' does not exist`,
        };
      }
      const subnetSet = ids.map((id) => ({
        subnetId: id,
        availabilityZone: account.subnets[id].zone,
        vpcId: account.subnets[id].vpc,
      }));
      return { output: { subnetSet } };
    }
    case "DescribeSecurityGroups": {
      const ids = listed("GroupId");
      if (missing(ids, account.securityGroups).length > 0) {
        return {
          error: "InvalidGroup.NotFound",
          message: `The security group '${missing(ids, account.securityGroups)}' does not exist`,
        };
      }
      return {
        output: {
          securityGroupInfo: ids.map((id) => ({ groupId: id, vpcId: account.securityGroups[id] })),
        },
      };
    }
    case "DescribeKeyPairs": {
      const [name] = listed("KeyName");
      if (!account.keyPairs.includes(name)) {
        return {
          error: "InvalidKeyPair.NotFound",
          message: `The key pair '${name}' does not exist`,
        };
      }
      return { output: { keySet: [{ keyName: name }] } };
    }
    case "GetInstanceProfile": {
      const name = String(params.InstanceProfileName);
      if (!Object.hasOwn(account.instanceProfiles, name)) {
        return { error: "NoSuchEntity", message: `Instance Profile ${name} cannot be found.` };
      }
      const role = account.instanceProfiles[name];
      return {
        output: {
          InstanceProfile: {
            InstanceProfileName: name,
            Roles: role === null ? [] : [{ RoleName: role }],
          },
        },
      };
    }
    case "ListAttachedRolePolicies": {
      const arns = account.attachedPolicies[String(params.RoleName)] ?? [];
      return {
        output: {
          AttachedPolicies: arns.map((arn) => ({
            PolicyArn: arn,
            PolicyName: arn.split("/").pop(),
          })),
          IsTruncated: false,
        },
      };
    }
    case "ListRolePolicies": {
      const names = Object.keys(account.inlinePolicies[String(params.RoleName)] ?? {});
      return { output: { PolicyNames: names, IsTruncated: false } };
    }
    case "GetRolePolicy": {
      const document = account.inlinePolicies[String(params.RoleName)][String(params.PolicyName)];
      return { output: { PolicyDocument: encodeURIComponent(JSON.stringify(document)) } };
    }
    case "GetPolicy":
      return { output: { Policy: { Arn: params.PolicyArn, DefaultVersionId: "v1" } } };
    case "GetPolicyVersion": {
      const document = account.managedPolicies[String(params.PolicyArn)];
      return {
        output: {
          PolicyVersion: {
            VersionId: params.VersionId,
            Document: encodeURIComponent(JSON.stringify(document)),
          },
        },
      };
    }
    case "GetTopicAttributes": {
      const arn = String(params.TopicArn);
      if (!Object.hasOwn(account.topics, arn)) {
        return { error: "NotFound", message: "Topic does not exist" };
      }
      const attributes = {
        TopicArn: arn,
        ...(account.topics[arn].kmsKey ? { KmsMasterKeyId: account.topics[arn].kmsKey } : {}),
      };
      return snsAttributes(attributes);
    }
    case "DescribeClusters": {
      const names = params.clusters as string[];
      const found = names.filter((name) => Object.hasOwn(account.clusters, name));
      return {
        output: {
          clusters: found.map((name) => ({
            clusterName: name,
            status: account.clusters[name].status,
            tags: Object.entries(account.clusters[name].tags).map(([key, value]) => ({
              key,
              value,
            })),
          })),
          failures: names
            .filter((name) => !found.includes(name))
            .map((name) => ({
              arn: `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`,
              reason: "MISSING",
            })),
        },
      };
    }
    default:
      return {
        error: "UnknownOperationException",
        message: `the scripted account has no ${operation}`,
      };
  }
}

/** SNS's attribute map, which the shared encoder's lists cannot spell (`<entry>` pairs). */
function snsAttributes(attributes: Record<string, string>): WireReply {
  const entries = Object.entries(attributes)
    .map(([key, value]) => `<entry><key>${key}</key><value>${value}</value></entry>`)
    .join("");
  return {
    statusCode: 200,
    headers: { "content-type": "text/xml" },
    body: `<GetTopicAttributesResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><GetTopicAttributesResult><Attributes>${entries}</Attributes></GetTopicAttributesResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetTopicAttributesResponse>`,
  };
}

/** S3's REST answers: status and headers for HeadBucket, XML for GetBucketVersioning. */
function s3Answer(account: Account, operation: string, bucket: string): WireReply {
  const xml = (statusCode: number, body: string) => ({
    statusCode,
    headers: { "content-type": "application/xml" },
    body,
  });
  if (account.denied.includes(operation)) {
    return operation === "HeadBucket"
      ? { statusCode: 403, headers: {}, body: "" }
      : xml(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
  }
  const found = account.buckets[bucket];
  if (found === undefined) {
    return operation === "HeadBucket"
      ? { statusCode: 404, headers: {}, body: "" }
      : xml(
          404,
          `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`,
        );
  }
  if (operation === "HeadBucket") {
    return { statusCode: 200, headers: { "x-amz-bucket-region": found.region }, body: "" };
  }
  if (operation === "GetBucketVersioning") {
    const status = found.versioning ? `<Status>${found.versioning}</Status>` : "";
    return xml(
      200,
      `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${status}</VersioningConfiguration>`,
    );
  }
  return xml(405, `<Error><Code>MethodNotAllowed</Code><Message>${operation}</Message></Error>`);
}
