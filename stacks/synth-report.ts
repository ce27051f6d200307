import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { App, TerraformStack } from "cdktf";
import { rolloutOrder, type LoadedStages } from "../config/stages";

/**
 * One line per synthesized stack, so people see what they got:
 * `staging: 21 resources, 2 data sources in cdktf.out/stacks/staging/cdk.tf.json`.
 * Read back from the files written, which are what Terraform will see.
 */
export function synthSummary(app: App, stacks: readonly TerraformStack[]): string[] {
  return stacks.map((stack) => {
    const name = stack.node.id;
    const file = join(app.outdir, "stacks", name, "cdk.tf.json");
    const document = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const resources = countBlocks(document.resource);
    const dataSources = countBlocks(document.data);
    return `${name}: ${plural(resources, "resource")}, ${plural(dataSources, "data source")} in ${relative(process.cwd(), file)}`;
  });
}

/**
 * One warning line per stage that is not ready to deploy: fields still holding placeholders
 * (see placeholders.ts), and alarms that notify no one (no topic, or a placeholder topic).
 */
export function stageWarnings(loaded: LoadedStages, source: string): string[] {
  return rolloutOrder(loaded.stages).flatMap((stage) => {
    const placeholders = loaded.placeholders[stage];
    const problems: string[] = [];
    if (placeholders.length > 0) {
      problems.push(`placeholders in ${placeholders.join(", ")} (replace them before deploying)`);
    }
    const topic = loaded.stages[stage].alarm?.actionsTopicArn;
    if (topic === undefined) {
      problems.push("its alarms notify no one (set alarm.actionsTopicArn)");
    } else if (placeholders.includes("alarm.actionsTopicArn")) {
      problems.push("its alarms notify no one until alarm.actionsTopicArn is a real topic");
    }
    return problems.length === 0 ? [] : [`warning: ${source}: ${stage}: ${problems.join("; ")}`];
  });
}

function countBlocks(section: unknown): number {
  if (typeof section !== "object" || section === null) return 0;
  return Object.values(section).reduce<number>(
    (sum, byName) => sum + Object.keys(byName as object).length,
    0,
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
