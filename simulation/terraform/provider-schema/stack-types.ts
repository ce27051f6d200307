/** What the synthesized stacks ask of the AWS provider: its pinned version and the types used. */
import type { SynthesizedDocument } from "../../../change-set/document";
import { launchConfigurationProblem } from "../../../config/instance-types";
import { LAUNCH_KINDS } from "../../../config/launch-kinds";
import type { Stages } from "../../../config/stages";

/** The `version` of `terraform.required_providers.aws`, which every stack must pin alike. */
export function pinnedAwsVersion(documents: readonly SynthesizedDocument[]): string {
  const versions = new Set(
    documents.map((document) => {
      const terraform = document.terraform as
        { required_providers?: { aws?: { version?: string } } } | undefined;
      return terraform?.required_providers?.aws?.version ?? "(not pinned)";
    }),
  );
  if (versions.size !== 1) throw new Error(`stacks pin different aws versions: ${[...versions]}`);
  return [...versions][0];
}

/** The resource and data-source types of the AWS provider that the documents use, sorted. */
export function typesUsed(documents: readonly SynthesizedDocument[]): {
  resource: string[];
  data: string[];
} {
  const collect = (section: "resource" | "data") =>
    [...new Set(documents.flatMap((document) => Object.keys(document[section] ?? {})))]
      .filter((type) => type.startsWith("aws_"))
      .sort();
  return { resource: collect("resource"), data: collect("data") };
}

/**
 * The stages as configured and with every stage on each launch kind (a stage whose instance
 * type a launch configuration cannot launch stays on its template): the types of both kinds.
 */
export function everyLaunchKind(stages: Stages): Stages[] {
  return [
    stages,
    ...LAUNCH_KINDS.map((launch) => {
      const switched = (stage: Stages[keyof Stages]) =>
        launch === "configuration" && launchConfigurationProblem(stage.instanceType) !== undefined
          ? stage
          : { ...stage, launch };
      return { staging: switched(stages.staging), production: switched(stages.production) };
    }),
  ];
}
