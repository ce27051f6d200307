/**
 * The AWS wire as the tests speak it: requests decoded from either protocol the project's
 * clients use, and answers encoded as each service answers. ECS and SSM speak JSON 1.1
 * (operation in `X-Amz-Target`); EC2, Auto Scaling and SNS speak query protocols (`Action=` in a
 * form body), EC2 with its own error envelope. Tests write outputs with the wire's names (e.g.
 * EC2's `imagesSet`), so the SDK's own parsers do the rest.
 */

/** One AWS request as the wire carries it: operation name and flat parameters. */
export interface WireRequest {
  readonly operation: string;
  readonly params: Record<string, unknown>;
}

/** One HTTP answer, encoded. */
export interface WireReply {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** What a test answers: an operation's output, or an AWS error by its code. */
export type AwsAnswer =
  { readonly output: object } | { readonly error: string; readonly message: string };

/** The services the project calls, by signing name. */
export type AwsService = "ecs" | "ssm" | "ec2" | "autoscaling" | "sns";

export function parseWireRequest(headers: Record<string, unknown>, body: string): WireRequest {
  const target = Object.entries(headers).find(([name]) => name.toLowerCase() === "x-amz-target");
  if (target !== undefined) {
    return { operation: String(target[1]).split(".")[1], params: JSON.parse(body) };
  }
  const params = Object.fromEntries(new URLSearchParams(body));
  return { operation: params.Action, params };
}

const QUERY_NAMESPACES: Readonly<Record<string, string>> = {
  autoscaling: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
  sns: "http://sns.amazonaws.com/doc/2010-03-31/",
};

/** `answer` to `operation` of `service`, as that service puts it on the wire. */
export function encodeAnswer(service: AwsService, operation: string, answer: AwsAnswer): WireReply {
  if (service === "ecs" || service === "ssm") {
    return "error" in answer
      ? json(400, { __type: answer.error, message: answer.message })
      : json(200, answer.output);
  }
  if (service === "ec2") {
    return "error" in answer
      ? xml(
          400,
          `<Response><Errors><Error><Code>${answer.error}</Code><Message>${escape(answer.message)}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`,
        )
      : xml(
          200,
          `<${operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId>${toXml(answer.output, "item")}</${operation}Response>`,
        );
  }
  const namespace = QUERY_NAMESPACES[service];
  return "error" in answer
    ? xml(
        400,
        `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${answer.error}</Code><Message>${escape(answer.message)}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`,
      )
    : xml(
        200,
        `<${operation}Response xmlns="${namespace}"><${operation}Result>${toXml(answer.output, "member")}</${operation}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${operation}Response>`,
      );
}

/** A list is a sequence of `<item>` (EC2) or `<member>` (query) elements. */
function toXml(value: unknown, listItem: "item" | "member"): string {
  if (Array.isArray(value))
    return value.map((v) => `<${listItem}>${toXml(v, listItem)}</${listItem}>`).join("");
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([key, v]) => `<${key}>${toXml(v, listItem)}</${key}>`)
      .join("");
  }
  return escape(String(value));
}

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function json(statusCode: number, body: object): WireReply {
  return {
    statusCode,
    headers: { "content-type": "application/x-amz-json-1.1" },
    body: JSON.stringify(body),
  };
}

function xml(statusCode: number, body: string): WireReply {
  return { statusCode, headers: { "content-type": "text/xml" }, body };
}
