import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import { ConfigError } from "../../config/config-error";
import {
  parseRecommendedValue,
  recommendedParameterName,
  type AmiArchitecture,
  type AmiFamily,
  type RecommendedAmi,
} from "./ecs-ami";

// The SSM look-up behind `ami latest`, `ami set <stage> latest` and `ami show --check`; loaded only
// by those commands, so neither `--help` nor `ami show` loads an SDK client.

/** The recommended ECS-optimized AMI of a family and architecture in the client's region. */
export async function recommendedAmi(
  ssm: SSMClient,
  family: AmiFamily,
  arch: AmiArchitecture,
): Promise<RecommendedAmi> {
  const name = recommendedParameterName(family, arch);
  const region = await ssm.config.region();
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    if ((error as Error).name === "ParameterNotFound") {
      throw new ConfigError(`SSM parameter ${name} not found in ${region}`);
    }
    throw error;
  }
  const recommended = value === undefined ? undefined : parseRecommendedValue(value);
  if (recommended === undefined) {
    throw new ConfigError(
      `SSM parameter ${name} in ${region} does not hold image_id, image_name, ecs_agent_version and os`,
    );
  }
  return recommended;
}
