import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseWireRequest } from "../lambda/instance-drain/fixtures";

/**
 * A local AWS endpoint for end-to-end runs of the CLI (`AWS_ENDPOINT_URL=<url>`): it decodes each
 * request (JSON 1.1 for SSM and ECS, the query protocol for EC2 and Auto Scaling), records it
 * with the service and region its signature names, and answers what the test returns.
 */

export interface StandInRequest {
  /** The signing name: ssm, ecs, ec2 or autoscaling. */
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly params: Record<string, unknown>;
}

/** A successful answer (an output object), or an AWS error. */
export type StandInAnswer =
  { readonly output: object } | { readonly error: string; readonly message: string };

export interface StandIn {
  readonly url: string;
  readonly requests: StandInRequest[];
  answer: (request: StandInRequest) => StandInAnswer;
  close(): Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  const standIn = {
    url: "",
    requests: [] as StandInRequest[],
    answer: (request: StandInRequest): StandInAnswer => ({
      error: "UnknownOperationException",
      message: `no answer for ${request.operation}`,
    }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const wire = parseWireRequest(incoming.headers, Buffer.concat(chunks).toString());
      const request = { ...scope(incoming.headers), ...wire };
      standIn.requests.push(request);
      const reply = encode(request, standIn.answer(request));
      response.writeHead(reply.status, { "content-type": reply.type }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/** Service and region from the SigV4 credential scope: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function scope(headers: IncomingHttpHeaders): { service: string; region: string } {
  const [, region = "", service = ""] =
    /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(headers.authorization ?? "") ?? [];
  return { service, region };
}

function encode(request: StandInRequest, answer: StandInAnswer) {
  const json = request.service === "ssm" || request.service === "ecs";
  if ("error" in answer) {
    if (json) {
      return jsonReply(400, { __type: answer.error, message: answer.message });
    }
    return xmlReply(
      400,
      `<Response><Errors><Error><Code>${answer.error}</Code><Message>${answer.message}</Message></Error></Errors><RequestID>req-1</RequestID></Response>`,
    );
  }
  if (json) return jsonReply(200, answer.output);
  if (request.service === "ec2") {
    return xmlReply(
      200,
      `<${request.operation}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId>${xml(answer.output, "item")}</${request.operation}Response>`,
    );
  }
  return xmlReply(
    200,
    `<${request.operation}Response xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/"><${request.operation}Result>${xml(answer.output, "member")}</${request.operation}Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></${request.operation}Response>`,
  );
}

/**
 * Plain XML of an object; a list is a sequence of `<item>` (EC2) or `<member>` (Auto Scaling)
 * elements, so tests write the output with the wire's element names (e.g. `imagesSet`).
 */
function xml(value: unknown, listItem: "item" | "member"): string {
  if (Array.isArray(value))
    return value.map((v) => `<${listItem}>${xml(v, listItem)}</${listItem}>`).join("");
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([key, v]) => `<${key}>${xml(v, listItem)}</${key}>`)
      .join("");
  }
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

function jsonReply(status: number, body: object) {
  return { status, type: "application/x-amz-json-1.1", body: JSON.stringify(body) };
}

function xmlReply(status: number, body: string) {
  return { status, type: "text/xml", body };
}
