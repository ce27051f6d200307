/**
 * SSM Parameter Store (JSON 1.1) as `ami latest` reads it: GetParameter of the public
 * parameters where AWS publishes the recommended ECS-optimized AMI. {@link SimulatedSsm.put}
 * publishes a value, as AWS does when it ships a new AMI.
 */
import { ACCOUNT_ID, AwsError, type ServiceCall, type SimulatedService } from "./service";

interface Parameter {
  readonly value: string;
  readonly version: number;
  readonly lastModified: number;
}

export class SimulatedSsm implements SimulatedService {
  readonly signingName = "ssm";
  readonly parameters = new Map<string, Parameter>();

  constructor(private readonly now: () => number) {}

  put(name: string, value: string): void {
    const version = (this.parameters.get(name)?.version ?? 0) + 1;
    this.parameters.set(name, { value, version, lastModified: this.now() });
  }

  handle({ operation, params, region }: ServiceCall): object {
    if (operation !== "GetParameter")
      throw new AwsError("InvalidAction", `simulated SSM has no ${operation}`);
    const name = String(params.Name);
    const parameter = this.parameters.get(name);
    if (parameter === undefined) throw new AwsError("ParameterNotFound", name);
    return {
      Parameter: {
        Name: name,
        Type: "String",
        Value: parameter.value,
        Version: parameter.version,
        LastModifiedDate: parameter.lastModified / 1000,
        ARN: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${name}`,
        DataType: "text",
      },
    };
  }
}
