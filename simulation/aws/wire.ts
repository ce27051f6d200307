/**
 * The AWS wire, server side, for every local AWS the tests run: the simulated AWS of the
 * rehearsal (`simulation/aws/`), and the local endpoint the drain function's
 * and the CLI's tests answer (`aws-endpoint.ts`). A request is decoded into operation and
 * parameters whatever its protocol, and an answer encoded as the calling protocol expects:
 * query (Auto Scaling, IAM, SNS, STS, CloudWatch), EC2's query, JSON 1.0/1.1 (SQS; ECS, SSM,
 * Logs), REST JSON (Lambda) and RPC v2 CBOR. The encodings come from the SDK's own libraries
 * (`@aws-sdk/xml-builder`, `@smithy/core`'s CBOR); only the query protocol's flattened parameter
 * names (`Tags.member.1.Key`) are unfolded here, since no client library reads them.
 */
import { XmlNode, XmlText } from "@aws-sdk/xml-builder";
import { cbor } from "@smithy/core/cbor";

/** How a service's calls travel (the Go SDK v2's protocol for each service the stacks use). */
export type Protocol = "query" | "ec2" | "json" | "rest-json" | "cbor";

export interface DecodedRequest {
  readonly protocol: Protocol;
  readonly operation: string;
  /** Query: unfolded into objects and arrays; JSON and CBOR: the body; REST: path and body. */
  readonly params: Record<string, unknown>;
  readonly method: string;
  readonly path: string;
  /** The JSON protocol's content type, echoed back (1.0 for SQS, 1.1 for ECS and Logs). */
  readonly contentType?: string;
}

export interface EncodedReply {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array;
}

export function decodeRequest(
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): DecodedRequest {
  const [path, search = ""] = url.split("?");
  const header = (name: string) =>
    Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  const contentType = String(header("content-type") ?? "");
  const target = header("x-amz-target");
  if (header("smithy-protocol") === "rpc-v2-cbor") {
    // POST /service/<Service>/operation/<Operation>
    const operation = path.split("/").at(-1) ?? "";
    const params = body.length === 0 ? {} : (cbor.deserialize(body) as Record<string, unknown>);
    return { protocol: "cbor", operation, params, method, path };
  }
  if (target !== undefined) {
    const operation = String(target).split(".").at(-1) ?? "";
    const params =
      body.length === 0 ? {} : (JSON.parse(body.toString()) as Record<string, unknown>);
    return { protocol: "json", operation, params, method, path, contentType };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const flat = Object.fromEntries(new URLSearchParams(body.toString()));
    const { Action, Version, ...rest } = flat;
    void Version;
    return { protocol: "query", operation: Action, params: unfold(rest), method, path };
  }
  const query = Object.fromEntries(new URLSearchParams(search));
  const json = body.length > 0 && contentType.includes("json") ? JSON.parse(body.toString()) : {};
  return {
    protocol: "rest-json",
    operation: "",
    params: { ...query, ...(json as object) },
    method,
    path: decodeURIComponent(path),
  };
}

/**
 * `A.member.1.B=x` → `{ A: [{ B: "x" }] }`: numbered segments become array positions, and the
 * list wrappers `member`, `entry` and EC2's none (`A.1`) are dropped.
 */
export function unfold(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const parts = name.split(".").filter((part) => part !== "member" && part !== "entry");
    let node: Record<string, unknown> | unknown[] = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const key = /^\d+$/.test(part) ? Number(part) - 1 : part;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]);
      const container = node as Record<string | number, unknown>;
      if (last) container[key] = value;
      else {
        container[key] ??= nextIsIndex ? [] : {};
        node = container[key] as Record<string, unknown>;
      }
    });
  }
  return root;
}

const QUERY_NAMESPACE: Readonly<Record<string, string>> = {
  autoscaling: "http://autoscaling.amazonaws.com/doc/2011-01-01/",
  iam: "https://iam.amazonaws.com/doc/2010-05-08/",
  sns: "http://sns.amazonaws.com/doc/2010-03-31/",
  sts: "https://sts.amazonaws.com/doc/2011-06-15/",
  monitoring: "http://monitoring.amazonaws.com/doc/2010-08-01/",
  ec2: "http://ec2.amazonaws.com/doc/2016-11-15/",
};

/** An operation's output, as the request's protocol carries it. */
export function encodeOutput(
  service: string,
  request: DecodedRequest,
  output: object,
  statusCode = 200,
): EncodedReply {
  switch (request.protocol) {
    case "json":
      return {
        statusCode,
        headers: { "content-type": request.contentType ?? "application/x-amz-json-1.1" },
        body: JSON.stringify(output),
      };
    case "rest-json":
      return {
        statusCode,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(output),
      };
    case "cbor":
      return {
        statusCode,
        headers: { "content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor" },
        body: cbor.serialize(output),
      };
    case "ec2": {
      const root = new XmlNode(`${request.operation}Response`).a("xmlns", QUERY_NAMESPACE.ec2);
      root.c(XmlNode.of("requestId", "simulated"));
      appendChildren(root, output, "item");
      return xmlReply(statusCode, root);
    }
    case "query": {
      if (service === "ec2") return encodeOutput(service, { ...request, protocol: "ec2" }, output);
      const root = new XmlNode(`${request.operation}Response`).a(
        "xmlns",
        QUERY_NAMESPACE[service] ?? "",
      );
      const result = new XmlNode(`${request.operation}Result`);
      appendChildren(result, output, "member");
      root.c(result);
      root.c(new XmlNode("ResponseMetadata").c(XmlNode.of("RequestId", "simulated")));
      return xmlReply(statusCode, root);
    }
  }
}

/** An AWS error with its code, as the request's protocol carries it. */
export function encodeError(
  service: string,
  request: DecodedRequest,
  code: string,
  message: string,
  statusCode = 400,
): EncodedReply {
  switch (request.protocol) {
    case "json":
      return {
        statusCode,
        headers: { "content-type": request.contentType ?? "application/x-amz-json-1.1" },
        body: JSON.stringify({ __type: code, message }),
      };
    case "rest-json":
      return {
        statusCode,
        headers: { "content-type": "application/json", "x-amzn-errortype": code },
        body: JSON.stringify({ Type: "User", message }),
      };
    case "cbor":
      return {
        statusCode,
        headers: { "content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor" },
        body: cbor.serialize({ __type: code, message }),
      };
    case "ec2":
    case "query": {
      if (service === "ec2") {
        const error = new XmlNode("Error")
          .c(XmlNode.of("Code", code))
          .c(XmlNode.of("Message", message));
        const root = new XmlNode("Response")
          .c(new XmlNode("Errors").c(error))
          .c(XmlNode.of("RequestID", "simulated"));
        return xmlReply(statusCode, root);
      }
      const error = new XmlNode("Error")
        .c(XmlNode.of("Type", "Sender"))
        .c(XmlNode.of("Code", code))
        .c(XmlNode.of("Message", message));
      const root = new XmlNode("ErrorResponse")
        .a("xmlns", QUERY_NAMESPACE[service] ?? "")
        .c(error)
        .c(XmlNode.of("RequestId", "simulated"));
      return xmlReply(statusCode, root);
    }
  }
}

/** Objects become elements, arrays a sequence of `<member>` (query) or `<item>` (EC2). */
function appendChildren(parent: XmlNode, value: object, listItem: string): void {
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined || child === null) continue;
    parent.c(element(key, child, listItem));
  }
}

function element(name: string, value: unknown, listItem: string): XmlNode {
  const node = new XmlNode(name);
  if (value instanceof Map) {
    // A query map (SNS's Attributes): entries of key and value.
    for (const [key, item] of value as Map<string, unknown>) {
      node.c(
        new XmlNode("entry").c(element("key", key, listItem)).c(element("value", item, listItem)),
      );
    }
  } else if (Array.isArray(value))
    for (const item of value) node.c(element(listItem, item, listItem));
  else if (value instanceof Date) node.c(new XmlText(value.toISOString()));
  else if (typeof value === "object" && value !== null) appendChildren(node, value, listItem);
  else node.c(new XmlText(String(value)));
  return node;
}

function xmlReply(statusCode: number, root: XmlNode): EncodedReply {
  return { statusCode, headers: { "content-type": "text/xml" }, body: root.toString() };
}

/** One AWS request as a test endpoint sees it: operation name and parameters. */
export interface WireRequest {
  readonly operation: string;
  /** JSON protocols: the body; query protocols: the flat form fields (`Action`, `A.member.1`). */
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

/** The services the project's own code calls, by signing name. */
export type AwsService = "ecs" | "ssm" | "ec2" | "autoscaling" | "sns" | "iam" | "sts";

/** A request of the JSON or query protocols, with a query request's form fields left flat. */
export function parseWireRequest(headers: Record<string, unknown>, body: string): WireRequest {
  const decoded = decodeRequest(
    "POST",
    "/",
    headers as Record<string, string | string[] | undefined>,
    Buffer.from(body),
  );
  if (decoded.protocol === "json") return { operation: decoded.operation, params: decoded.params };
  const params = Object.fromEntries(new URLSearchParams(body));
  return { operation: params.Action, params };
}

/** The protocol each of the project's services answers in. */
const PROTOCOL_OF: Readonly<Record<AwsService, Protocol>> = {
  ecs: "json",
  ssm: "json",
  ec2: "ec2",
  autoscaling: "query",
  sns: "query",
  iam: "query",
  sts: "query",
};

/**
 * `answer` to `operation` of `service`, as that service puts it on the wire. Outputs carry the
 * wire's names (e.g. EC2's `imagesSet`), so the SDK's own parsers do the rest.
 */
export function encodeAnswer(service: AwsService, operation: string, answer: AwsAnswer): WireReply {
  const protocol = PROTOCOL_OF[service];
  // The endpoint takes the service from the request's signature: one it does not know is named.
  if (protocol === undefined)
    throw new Error(`the test endpoint has no wire protocol for ${service}`);
  const request: DecodedRequest = {
    protocol,
    operation,
    params: {},
    method: "POST",
    path: "/",
    contentType: "application/x-amz-json-1.1",
  };
  const reply =
    "error" in answer
      ? encodeError(service, request, answer.error, answer.message)
      : encodeOutput(service, request, answer.output);
  return { ...reply, body: String(reply.body) };
}
