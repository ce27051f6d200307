import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { zipSync } from "fflate";
import writeFileAtomic from "write-file-atomic";
import { Construct } from "constructs";
import { SynthesizedDocument } from "../change-set/change-set";
import { addClusterStacks } from "../stacks/cluster-app";
import type { StageConfig, StageName, Stages } from "../config/stages";
import { EcsCluster } from "../constructs/ecs-cluster";
import { InstanceDrain, InstanceDrainProps } from "../constructs/instance-drain";
import type { ClusterInstancesProps } from "../constructs/cluster-instances";
import { COMMITTED_AMI } from "./amis";

/**
 * A stand-in for the packaged drain function, so construct tests don't depend on the handler.
 * Its bytes never change, so every test process shares one file in the temporary folder
 * (written atomically: workers may write it at once) instead of leaving a folder per run.
 */
export const DRAIN_ZIP = (() => {
  const dir = join(tmpdir(), "apps-cluster-test-fixtures");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "instance-drain.zip");
  const code = new TextEncoder().encode("exports.handler = async () => {};\n");
  writeFileAtomic.sync(
    path,
    Buffer.from(zipSync({ "index.js": [code, { mtime: new Date("1980-01-01") }] })),
  );
  return path;
})();

/** ClusterInstances' required props but the cluster and the drain (clusterWithDrain gives those). */
export const INSTANCES_PROPS: Omit<ClusterInstancesProps, "cluster" | "drain"> = {
  amiId: COMMITTED_AMI,
  instanceType: "t3.large",
  instanceProfileName: "apps-test-ecs-instance",
  securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
  subnetIds: ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"],
  minSize: 2,
  maxSize: 4,
  desiredCapacity: 3,
};

/** Valid stages in the shape of stacks/stages.json; tests change one field at a time. */
export function baseStages(): Record<StageName, StageConfig> {
  const common = {
    region: "us-east-1",
    amiId: COMMITTED_AMI,
    securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
    stateBucket: "test-terraform-state",
  };
  return {
    staging: {
      ...common,
      clusterName: "apps-staging",
      instanceType: "t3.large",
      minSize: 1,
      maxSize: 2,
      desiredCapacity: 1,
      subnetIds: ["subnet-0a1b2c3d4e5f60718"],
      instanceProfileName: "apps-staging-ecs-instance",
    },
    production: {
      ...common,
      clusterName: "apps-production",
      instanceType: "m6i.large",
      minSize: 2,
      maxSize: 4,
      desiredCapacity: 2,
      minAvailabilityZones: 2,
      subnetIds: ["subnet-0b2c3d4e5f6071829", "subnet-0c3d4e5f607182930"],
      instanceProfileName: "apps-production-ecs-instance",
      alarm: { actionsTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall" },
    },
  };
}

/** Each stage's cdk.tf.json text by the stages and the drain zip's bytes they were made from. */
const synthesized = new Map<string, [StageName, string][]>();

/**
 * Synthesizes every stage as main.ts does and returns each stage's parsed cdk.tf.json (new
 * objects on every call). The same stages with the same zip give the same text, kept for the
 * process: a test file's cases often start from one base (a synth is ~50 ms in jest).
 */
export function synthStages(
  stages: Stages,
  drainZip = DRAIN_ZIP,
): Record<StageName, SynthesizedDocument> {
  const key = JSON.stringify([
    stages,
    createHash("sha256").update(readFileSync(drainZip)).digest("hex"),
  ]);
  let texts = synthesized.get(key);
  if (texts === undefined) {
    const stacks = addClusterStacks(Testing.app(), stages, drainZip);
    texts = stacks.map((stack) => [stack.node.id, Testing.synth(stack)]);
    synthesized.set(key, texts);
  }
  return Object.fromEntries(texts.map(([stage, text]) => [stage, JSON.parse(text)]));
}

/** Synthesizes whatever `build` adds to a fresh stack, as parsed Terraform JSON. */
export function synthScope(build: (scope: Construct) => void): SynthesizedDocument {
  return JSON.parse(Testing.synthScope(build));
}

/** A new, empty stack for tests that inspect construct attributes rather than JSON. */
export function emptyStack(): TerraformStack {
  return new TerraformStack(Testing.app() as App, "test");
}

/** An EcsCluster and an InstanceDrain for tests of the constructs built on them. */
export function clusterWithDrain(
  scope: Construct,
  drain: Partial<InstanceDrainProps> = {},
): { cluster: EcsCluster; drain: InstanceDrain } {
  const cluster = new EcsCluster(scope, "Cluster", { clusterName: "apps-test" });
  return {
    cluster,
    drain: new InstanceDrain(scope, "Drain", { cluster, codeZipPath: DRAIN_ZIP, ...drain }),
  };
}

/** The one resource of `type` in a synthesized document (fails the test if there isn't one). */
export function onlyResource(doc: SynthesizedDocument, type: string): Record<string, unknown> {
  const resources = Object.values(doc.resource?.[type] ?? {});
  if (resources.length !== 1) throw new Error(`expected one ${type}, found ${resources.length}`);
  return resources[0] as Record<string, unknown>;
}
