/**
 * The simulated AWS on loopback: one HTTP endpoint that the provider's `endpoints` block names
 * for every service. The SigV4 credential scope says which service a request is for; the
 * request is decoded in its protocol, handed to that service, recorded, and answered in the
 * same protocol. A call no service knows is recorded as unanswered and fails loudly, so the
 * list of what the provider calls stays the contract (README, "The rehearsal").
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimulatedClock } from "../clock";
import { AwsError, type ServiceAnswer, type SimulatedService } from "./service";
import { decodeRequest, encodeError, encodeOutput, type EncodedReply } from "./wire";

export interface RecordedCall {
  readonly service: string;
  readonly operation: string;
  /** As decoded (a query protocol's flattened names unfolded). */
  readonly params: Record<string, unknown>;
  readonly statusCode: number;
  /** The error code, when the call failed. */
  readonly error?: string;
  /** Milliseconds since the server started (real time). */
  readonly at: number;
  /** AWS epoch milliseconds, when the server was given the simulation's clock. */
  readonly awsTime?: number;
}

export interface SimulatedAwsServer {
  readonly url: string;
  readonly calls: readonly RecordedCall[];
  /**
   * Runs after each call is answered, before its caller reads the answer, with the number of
   * earlier calls of that operation: a test acts at a given moment of a caller's conversation.
   */
  onCall: (call: RecordedCall, earlier: number) => void;
  close(): Promise<void>;
}

export async function startSimulatedAws(
  services: readonly SimulatedService[],
  clock?: SimulatedClock,
  /** @default 0 — any free port */
  port = 0,
): Promise<SimulatedAwsServer> {
  const bySigningName = new Map(services.map((service) => [service.signingName, service]));
  const calls: RecordedCall[] = [];
  const started = Date.now();
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const { service, region } = credentialScope(incoming);
      const reply = answer(
        bySigningName.get(service),
        service,
        region,
        incoming,
        Buffer.concat(chunks),
      );
      const call: RecordedCall = {
        service,
        ...reply.recorded,
        at: Date.now() - started,
        ...(clock ? { awsTime: clock.now() } : {}),
      };
      const earlier = calls.filter((c) => c.operation === call.operation).length;
      calls.push(call);
      simulated.onCall(call, earlier);
      response.writeHead(reply.statusCode, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const simulated: SimulatedAwsServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    onCall: () => undefined,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Clients keep connections alive; the simulation is over for them too.
        server.closeAllConnections();
      }),
  };
  return simulated;
}

function answer(
  simulated: SimulatedService | undefined,
  service: string,
  region: string,
  incoming: IncomingMessage,
  body: Buffer,
): EncodedReply & { recorded: Omit<RecordedCall, "service" | "at"> } {
  const decoded = decodeRequest(
    incoming.method ?? "GET",
    incoming.url ?? "/",
    incoming.headers,
    body,
  );
  let operation = decoded.operation;
  try {
    if (simulated === undefined) throw new AwsError("UnknownService", `no simulated ${service}`);
    if (decoded.protocol === "rest-json") {
      operation = simulated.route?.(decoded.method, decoded.path) ?? "";
    }
    const result = simulated.handle({ ...decoded, operation, region });
    // A reply the service encoded itself (S3's REST XML, which no shared encoder speaks).
    if ("reply" in result) {
      const { reply } = result as { reply: EncodedReply };
      return {
        ...reply,
        recorded: { operation, params: decoded.params, statusCode: reply.statusCode },
      };
    }
    const { output, statusCode, cutOffBody } =
      "output" in result ? (result as ServiceAnswer) : { output: result, statusCode: 200 };
    const whole = encodeOutput(service, { ...decoded, operation }, output, statusCode);
    const reply = cutOffBody ? cutOff(whole) : whole;
    return {
      ...reply,
      recorded: { operation, params: decoded.params, statusCode: reply.statusCode },
    };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const reply = encodeError(
      service,
      { ...decoded, operation },
      error.code,
      error.message,
      error.statusCode,
    );
    return {
      ...reply,
      recorded: {
        operation: operation || `${decoded.method} ${decoded.path}`,
        params: decoded.params,
        statusCode: reply.statusCode,
        error: error.code,
      },
    };
  }
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request, ...` */
function credentialScope(incoming: IncomingMessage): { service: string; region: string } {
  const [, region = "", service = ""] =
    /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(incoming.headers.authorization ?? "") ?? [];
  return { service, region };
}

/** The first half of a reply's body, its length header dropped so the client reads what comes. */
export function cutOff(reply: EncodedReply): EncodedReply {
  const body = Buffer.from(reply.body);
  const headers = Object.fromEntries(
    Object.entries(reply.headers).filter(([name]) => name.toLowerCase() !== "content-length"),
  );
  return { ...reply, headers, body: body.subarray(0, Math.floor(body.length / 2)) };
}
