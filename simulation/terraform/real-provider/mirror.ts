/**
 * The real hashicorp/aws provider as the machine image ships it: a Terraform filesystem mirror
 * (by default /opt/tf-plugins; `REAL_AWS_PROVIDER_MIRROR` names another). Someone with internet
 * access makes the same with `terraform providers mirror -platform=linux_amd64 <dir>` in a
 * configuration that pins hashicorp/aws 5.100.0 (docs/testing.md).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AWS_PROVIDER, platform, writeMirrorConfig, type ProviderInstallation } from "../harness";

export const DEFAULT_MIRROR = "/opt/tf-plugins";

/** The provider found in a mirror, with a CLI config that installs it. */
export interface RealProvider extends ProviderInstallation {
  readonly version: string;
  readonly mirror: string;
}

/**
 * The newest hashicorp/aws version of the mirror that has a binary for this platform, or why
 * there is none (one line).
 */
export function findRealProvider(
  mirror = process.env.REAL_AWS_PROVIDER_MIRROR ?? DEFAULT_MIRROR,
): { version: string; mirror: string } | { missing: string } {
  const versionsDir = path.join(mirror, AWS_PROVIDER);
  let versions: string[];
  try {
    versions = fs.readdirSync(versionsDir);
  } catch {
    return { missing: `no real AWS provider: ${versionsDir} does not exist` };
  }
  const usable = versions
    .filter((version) => hasBinary(path.join(versionsDir, version)))
    .sort(byVersion);
  const version = usable.at(-1);
  if (version === undefined) {
    return { missing: `no real AWS provider for ${platform()} under ${versionsDir}` };
  }
  return { version, mirror };
}

/** A CLI config, in a fresh temporary folder, that installs the provider from the mirror. */
export function installRealProvider(found: { version: string; mirror: string }): RealProvider {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "real-aws-"));
  const cliConfigFile = path.join(dir, "terraform.rc");
  writeMirrorConfig(cliConfigFile, found.mirror);
  return { ...found, dir, cliConfigFile };
}

function hasBinary(versionDir: string): boolean {
  try {
    return fs
      .readdirSync(path.join(versionDir, platform()))
      .some((name) => name.startsWith("terraform-provider-aws_v"));
  } catch {
    return false;
  }
}

function byVersion(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(/[.-]/).map((part) => Number(part) || 0));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  }
  return 0;
}
