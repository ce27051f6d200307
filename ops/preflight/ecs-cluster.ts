import { DescribeClustersCommand } from "@aws-sdk/client-ecs";
import { projectTags } from "../../config/aws-rules/tags";
import type { CheckFamily, Finding } from "./finding";

/**
 * The live ECS cluster the stage's `clusterName` names, if there is one (none is right before
 * the first deploy): it must be ACTIVE (an INACTIVE one was deleted, with its services), and,
 * when this project manages it, tagged with this stage (not the other stage's cluster).
 */
export const ecsClusterChecks: CheckFamily = {
  name: "the ECS cluster",
  async run({ name, config }, { ecs }) {
    const value = config.clusterName;
    const field = "clusterName";
    const { clusters = [] } = await ecs.send(
      new DescribeClustersCommand({ clusters: [value], include: ["TAGS"] }),
    );
    const cluster = clusters.find((found) => found.clusterName === value);
    if (cluster === undefined) return [];
    const findings: Finding[] = [];
    if (cluster.status === "INACTIVE") {
      findings.push({
        field,
        value,
        problem: `the cluster of this name in ${config.region} is INACTIVE: it was deleted, and its services with it`,
        fix: "find out what deleted it before any apply",
      });
    }
    const { Stage: stageTag, Project: projectTag } = projectTags(name);
    const tags = new Map((cluster.tags ?? []).map((tag) => [tag.key, tag.value]));
    const taggedStage = tags.get("Stage");
    if (
      tags.get("Project") === projectTag &&
      taggedStage !== undefined &&
      taggedStage !== stageTag
    ) {
      findings.push({
        field,
        value,
        problem: `names the ${taggedStage} stage's cluster (its Stage tag): an apply would take it over`,
        fix: `set ${name}.clusterName to the ${name} cluster's name`,
      });
    }
    return findings;
  },
};
