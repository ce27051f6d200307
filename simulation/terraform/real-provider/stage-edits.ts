/**
 * One edit per field of a stage in stacks/stages.json (`STAGE_FIELDS`), each a valid value other
 * than the test stages' own: the single-field edits the real provider plans for both stages.
 */
import type { StageConfig } from "../../../config/stages";
import { NEW_AMI } from "../../amis";

type Edit = (stage: StageConfig) => Partial<StageConfig>;
const drain =
  (field: string, value: number): Edit =>
  (stage) => ({
    drain: { ...stage.drain, [field]: value },
  });
const alarm =
  (field: string, value: string | number): Edit =>
  (stage) => ({
    alarm: { ...stage.alarm, [field]: value },
  });

/**
 * By field; `region` is left out on purpose: the change guard refuses a region edit (a region
 * move is a new stack and an adoption), so there is no plan of one to agree with.
 */
export const STAGE_EDITS: Readonly<Record<string, Edit>> = {
  clusterName: (stage) => ({ clusterName: `${stage.clusterName}-2` }),
  amiId: () => ({ amiId: NEW_AMI }),
  instanceType: (stage) => ({ instanceType: stage.instanceType.replace(/\.large$/, ".xlarge") }),
  // minSize cannot fall in either stage (staging's is the least allowed, production's the least
  // production allows) nor rise alone (desiredCapacity must stay within min and max): both rise.
  minSize: (stage) => ({ minSize: stage.minSize + 1, desiredCapacity: stage.minSize + 1 }),
  maxSize: (stage) => ({ maxSize: stage.maxSize + 1 }),
  desiredCapacity: (stage) => ({ desiredCapacity: stage.desiredCapacity + 1 }),
  subnetIds: (stage) => ({ subnetIds: [...stage.subnetIds, "subnet-0d4e5f60718293a4b"] }),
  securityGroupIds: () => ({ securityGroupIds: ["sg-0e5f60718293a4b5c"] }),
  instanceProfileName: (stage) => ({ instanceProfileName: `${stage.instanceProfileName}-2` }),
  keyName: () => ({ keyName: "digital-ops" }),
  rootVolumeSizeGiB: () => ({ rootVolumeSizeGiB: 60 }),
  instanceMetadataHopLimit: () => ({ instanceMetadataHopLimit: 2 }),
  launch: () => ({ launch: "template" }),
  ecsAgentSettings: () => ({ ecsAgentSettings: { ECS_ENABLE_TASK_IAM_ROLE: "true" } }),
  associatePublicIpAddress: () => ({ associatePublicIpAddress: true }),
  containerInsights: (stage) => ({ containerInsights: !(stage.containerInsights ?? false) }),
  stateBucket: () => ({ stateBucket: "other-terraform-state" }),
  stateLockTable: () => ({ stateLockTable: "terraform-locks" }),
  "drain.drainTimeoutMinutes": drain("drainTimeoutMinutes", 45),
  "drain.heartbeatTimeoutSeconds": drain("heartbeatTimeoutSeconds", 1500),
  "drain.registrationTimeoutSeconds": drain("registrationTimeoutSeconds", 900),
  "drain.lambdaTimeoutSeconds": drain("lambdaTimeoutSeconds", 600),
  "drain.pollSeconds": drain("pollSeconds", 20),
  "drain.memorySizeMb": drain("memorySizeMb", 512),
  "drain.logRetentionDays": drain("logRetentionDays", 14),
  "alarm.actionsTopicArn": alarm("actionsTopicArn", "arn:aws:sns:us-east-1:123456789012:digital"),
  "alarm.evaluationPeriods": alarm("evaluationPeriods", 3),
  tags: () => ({ tags: { Team: "digital" } }),
};

/** Fields with no edit here, and why. */
export const NOT_EDITED: Readonly<Record<string, string>> = {
  region: "refused by the change guard: a region move is a new stack and an adoption",
  minAvailabilityZones: "a rule of the stages file and of check: nothing synthesizes from it",
};
