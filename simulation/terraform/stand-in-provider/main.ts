/**
 * The stand-in for registry.terraform.io/hashicorp/aws: a go-plugin gRPC server speaking
 * Terraform plugin protocol 5 over mutual TLS. Terraform starts it (the harness points
 * `dev_overrides` at a wrapper script) and reads the handshake line from its stdout.
 *
 * Checked, not trusted: its replace decisions (`change-set/replacement-rules.ts`) are compared,
 * attribute by attribute, with the real hashicorp/aws provider's plans of every scenario
 * (__tests__/terraform/real-provider/agreement.test.ts). It stays for what the real provider
 * cannot do offline: applies, their order, imports.
 *
 * Environment (set by the harness): STAND_IN_PROVIDER_DIR (this folder: protos, schema, import
 * fixture), STAND_IN_APPLY_LOG (the file every create/update/delete is appended to),
 * STAND_IN_SERVER_CERT and STAND_IN_SERVER_KEY (a TLS certificate made once per run), and
 * optionally STAND_IN_IMPORT_FIXTURE (another file of importable objects than this folder's).
 */
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { StandInProvider } from "./provider";
import { readVendoredSchema } from "./schema";
import { serverCertificate } from "./server-certificate";

// go-plugin's magic cookie for Terraform providers: a plugin refuses to run without it.
const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const CORE_PROTOCOL_VERSION = 1;
const PLUGIN_PROTOCOL_VERSION = 5;

async function main(): Promise<void> {
  if (process.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    console.error("This is a Terraform provider plugin; Terraform starts it, not people.");
    process.exitCode = 1;
    return;
  }
  const dir = process.env.STAND_IN_PROVIDER_DIR ?? __dirname;
  const definition = protoLoader.loadSync(
    ["tfplugin5.proto", "go-plugin.proto", "health.proto"].map((file) => path.join(dir, file)),
    { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true },
  );
  // proto-loader's package object is untyped by nature: service definitions are looked up by name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const loaded = grpc.loadPackageDefinition(definition) as any;

  // Like go-plugin's servers: an interrupt is for Terraform, which then stops its plugins itself.
  process.on("SIGINT", () => undefined);
  const server = new grpc.Server();
  const provider = new StandInProvider(readVendoredSchema(dir), {
    applyLog: process.env.STAND_IN_APPLY_LOG,
    importFixtureFile: process.env.STAND_IN_IMPORT_FIXTURE ?? path.join(dir, "import-fixture.json"),
  });
  server.addService(loaded.tfplugin5.Provider.service, provider.handlers());
  server.addService(loaded.grpc.health.v1.Health.service, {
    Check: (_call: unknown, reply: grpc.sendUnaryData<object>) =>
      reply(null, { status: "SERVING" }),
  });
  const stdioStreams: grpc.ServerWritableStream<object, object>[] = [];
  server.addService(loaded.plugin.GRPCStdio.service, {
    // Nothing is forwarded (the stand-in logs to stderr); the stream stays open until shutdown.
    StreamStdio: (call: grpc.ServerWritableStream<object, object>) => stdioStreams.push(call),
  });
  server.addService(loaded.plugin.GRPCBroker.service, {
    StartStream: (call: grpc.ServerDuplexStream<object, object>) =>
      call.on("end", () => call.end()),
  });
  server.addService(loaded.plugin.GRPCController.service, {
    Shutdown: (_call: unknown, reply: grpc.sendUnaryData<object>) => {
      reply(null, {});
      setImmediate(() => {
        for (const stream of stdioStreams) stream.end();
        server.forceShutdown();
        process.exit(0);
      });
    },
  });

  const credentials = await serverCredentials();
  server.bindAsync("127.0.0.1:0", credentials.credentials, (error, port) => {
    if (error) {
      console.error(`stand-in provider: cannot listen: ${error.message}`);
      process.exit(1);
    }
    const fields = [CORE_PROTOCOL_VERSION, PLUGIN_PROTOCOL_VERSION, "tcp", `127.0.0.1:${port}`];
    process.stdout.write(`${[...fields, "grpc", credentials.handshakeField].join("|")}\n`);
  });
}

/** Mutual TLS when Terraform sent its certificate (it always does), plaintext otherwise. */
async function serverCredentials(): Promise<{
  credentials: grpc.ServerCredentials;
  handshakeField: string;
}> {
  const clientCertificate = process.env.PLUGIN_CLIENT_CERT;
  if (clientCertificate === undefined || clientCertificate === "") {
    return { credentials: grpc.ServerCredentials.createInsecure(), handshakeField: "" };
  }
  const server = await serverCertificate();
  return {
    credentials: grpc.ServerCredentials.createSsl(
      Buffer.from(clientCertificate),
      [
        {
          private_key: Buffer.from(server.privateKeyPem),
          cert_chain: Buffer.from(server.certificatePem),
        },
      ],
      true,
    ),
    handshakeField: server.handshakeField,
  };
}

main().catch((error: unknown) => {
  console.error(`stand-in provider: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
