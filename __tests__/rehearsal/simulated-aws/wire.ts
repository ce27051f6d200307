/**
 * The wire formats the real provider's Go SDK speaks, server side: a request decoded into
 * operation and parameters whatever the protocol, and an answer encoded the way the calling
 * protocol expects. The encodings come from the SDK's own libraries (`@aws-sdk/xml-builder` for
 * the query protocols, `@smithy/core`'s CBOR for RPC v2); only the query protocol's flattened
 * parameter names (`Tags.member.1.Key`) are unfolded here, since no client library reads them.
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
  const contentType = String(headers["content-type"] ?? "");
  const target = headers["x-amz-target"];
  if (headers["smithy-protocol"] === "rpc-v2-cbor") {
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
