/**
 * S3 (REST, XML) as `check` reads the state bucket: HeadBucket (its region, in a header) and
 * GetBucketVersioning, path-style, from the account's buckets, refusing what it denies. S3's
 * replies are encoded here, whole: a HEAD's error is a bare status, a GET's an XML `<Error>`.
 */
import type { Account } from "./account";
import { cutOff } from "./server";
import type { ServiceCall, SimulatedService } from "./service";
import type { EncodedReply } from "./wire";

export class SimulatedS3 implements SimulatedService {
  readonly signingName = "s3";

  constructor(private readonly account: () => Account) {}

  route(method: string): string {
    return method === "HEAD" ? "HeadBucket" : "GetBucketVersioning";
  }

  handle(call: ServiceCall): { reply: EncodedReply } {
    const { failing, cutOff: cut } = this.account();
    if (failing.includes(call.operation)) {
      return { reply: xml(500, error("InternalError", "internal error")) };
    }
    const { reply } = this.answer(call);
    return { reply: cut.includes(call.operation) ? cutOff(reply) : reply };
  }

  private answer({ operation, params, path }: ServiceCall): { reply: EncodedReply } {
    const bucket = path.split("/")[1] ?? "";
    const { buckets, denied } = this.account();
    if (denied.includes(operation)) {
      return {
        reply:
          operation === "HeadBucket"
            ? { statusCode: 403, headers: {}, body: "" }
            : xml(403, error("AccessDenied", "Access Denied")),
      };
    }
    const found = buckets[bucket];
    if (operation === "GetBucketVersioning" && !("versioning" in params)) {
      return { reply: xml(405, error("MethodNotAllowed", "only ?versioning is simulated")) };
    }
    if (found === undefined) {
      return {
        reply:
          operation === "HeadBucket"
            ? { statusCode: 404, headers: {}, body: "" }
            : xml(404, error("NoSuchBucket", "The specified bucket does not exist")),
      };
    }
    if (operation === "HeadBucket") {
      return {
        reply: { statusCode: 200, headers: { "x-amz-bucket-region": found.region }, body: "" },
      };
    }
    const status = found.versioning ? `<Status>${found.versioning}</Status>` : "";
    return {
      reply: xml(
        200,
        `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${status}</VersioningConfiguration>`,
      ),
    };
  }
}

function error(code: string, message: string): string {
  return `<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

function xml(statusCode: number, body: string): EncodedReply {
  return { statusCode, headers: { "content-type": "application/xml" }, body };
}
