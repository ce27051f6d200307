import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  encodeAnswer,
  parseWireRequest,
  type AwsAnswer,
  type AwsService,
  type WireReply,
  type WireRequest,
} from "./wire";

/**
 * A local AWS endpoint on loopback for end-to-end runs of the drain function and the CLI
 * (`AWS_ENDPOINT_URL=<url>`): it decodes each request, records it with the service and region
 * its signature names, and answers what the test returns, encoded as that service would.
 */

export interface AwsRequest extends WireRequest {
  /** The signing name: ecs, ssm, ec2, autoscaling or sns. */
  readonly service: AwsService;
  readonly region: string;
}

export interface AwsEndpoint {
  readonly url: string;
  /** Every request so far, in order; a test may empty it. */
  readonly requests: AwsRequest[];
  /** The answer to a request: an output or an error, or a reply already encoded. */
  answer: (request: AwsRequest) => AwsAnswer | WireReply;
  close(): Promise<void>;
}

export async function startAwsEndpoint(): Promise<AwsEndpoint> {
  const endpoint: AwsEndpoint = {
    url: "",
    requests: [],
    answer: (request) => ({
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
      endpoint.requests.push(request);
      const answer = endpoint.answer(request);
      const reply =
        "statusCode" in answer ? answer : encodeAnswer(request.service, request.operation, answer);
      response.writeHead(reply.statusCode, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(endpoint, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
}

/** Service and region from the SigV4 credential scope: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function scope(headers: IncomingHttpHeaders): { service: AwsService; region: string } {
  const [, region = "", service = ""] =
    /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(headers.authorization ?? "") ?? [];
  return { service: service as AwsService, region };
}
