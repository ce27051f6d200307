import { readFileSync } from "node:fs";
import { parse } from "yaml";

/**
 * docs/atlantis.md's server-side workflow runs the preflight (`check`) on the project's stage
 * before Terraform's init and plan, so a stage the live account cannot run is never planned.
 */

const guide = readFileSync("docs/atlantis.md", "utf8");
const [, reposYaml] =
  /## The server-side config \(`repos.yaml`\)\n\n```yaml\n([\s\S]*?)```/.exec(guide) ?? [];

type Step = string | { run?: { command?: string } };

describe("docs/atlantis.md's workflow", () => {
  const steps: Step[] = parse(reposYaml ?? "").workflows.cdktf.plan.steps;
  const indexOf = (found: (step: Step) => boolean) => steps.findIndex(found);
  const check = indexOf(
    (step) =>
      typeof step === "object" &&
      /npm run -s cluster -- check "\$PROJECT_NAME"/.test(step.run?.command ?? ""),
  );

  it("runs check on the project's stage", () => {
    expect(check).toBeGreaterThanOrEqual(0);
  });

  it("runs it before init and plan", () => {
    expect(check).toBeLessThan(indexOf((step) => step === "init"));
    expect(check).toBeLessThan(indexOf((step) => step === "plan"));
  });
});
