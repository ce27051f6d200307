/**
 * The stand-in's TLS server certificate: the one the harness made for this run (so a provider
 * start does not pay for loading an X.509 library), or a new one.
 */
import * as fs from "node:fs";

export interface ServerCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The handshake line's last field: DER, base64 without padding (Go's RawStdEncoding). */
  readonly handshakeField: string;
}

/** Files named by STAND_IN_SERVER_CERT and STAND_IN_SERVER_KEY, else a new certificate. */
export async function serverCertificate(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServerCertificate> {
  const certificateFile = env.STAND_IN_SERVER_CERT;
  const keyFile = env.STAND_IN_SERVER_KEY;
  if (certificateFile === undefined || keyFile === undefined) {
    const { generateServerCertificate } = await import("./tls");
    return generateServerCertificate();
  }
  const certificatePem = fs.readFileSync(certificateFile, "utf8");
  return {
    certificatePem,
    privateKeyPem: fs.readFileSync(keyFile, "utf8"),
    handshakeField: handshakeField(certificatePem),
  };
}

/** The base64 body of a PEM certificate, re-encoded without padding. */
export function handshakeField(certificatePem: string): string {
  const body = certificatePem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
  return Buffer.from(body, "base64").toString("base64").replace(/=+$/, "");
}
