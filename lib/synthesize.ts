import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "./config-error";

/**
 * Runs the project's cdktf app command (cdktf.json's `app`, what `npm run synth` runs) in
 * `projectDir`, writing the stacks to `outdir` instead of cdktf.out, for commands that need the
 * synthesized Terraform without touching the user's output. A synth that fails (a mistake in
 * the stages file) is a ConfigError with the app's own one-line message.
 */
export async function synthesizeInto(
  projectDir: string,
  outdir: string,
  stagesFile: string,
  signal?: AbortSignal,
): Promise<void> {
  const app: string = JSON.parse(readFileSync(join(projectDir, "cdktf.json"), "utf8")).app;
  await new Promise<void>((resolve, reject) => {
    execFile(
      "sh",
      ["-c", app],
      {
        cwd: projectDir,
        env: { ...process.env, STAGES_FILE: stagesFile, CDKTF_OUTDIR: outdir },
        signal,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, _stdout, stderr) => {
        if (error === null) return resolve();
        const line = stderr.split("\n").find((l) => l.startsWith("error: "));
        reject(
          new ConfigError(
            line
              ? line.slice("error: ".length)
              : `synth failed: ${stderr.trim().split("\n").at(-1) ?? error.message}`,
          ),
        );
      },
    );
  });
}
