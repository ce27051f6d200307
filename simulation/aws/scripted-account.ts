import { correctAccount, withAccountRefusals, type Account } from "./account";
import { scaledClock } from "../clock";
import { SimulatedEc2 } from "./ec2";
import { SimulatedEcs } from "./ecs";
import { Faults } from "./faults";
import { SimulatedIam } from "./iam";
import { SimulatedS3 } from "./s3";
import { startSimulatedAws, type RecordedCall } from "./server";
import { IdSource } from "./service";
import { SimulatedSns } from "./sns";

export { correctAccount, type Account } from "./account";

/**
 * A scripted AWS account for `check`, served on loopback through AWS_ENDPOINT_URL: the simulated
 * AWS's EC2, IAM, SNS, ECS and S3 answering from an {@link Account} alone, with the calls it
 * denies or throttles refused. By default it holds exactly what the CLI's stages fixture names,
 * all correct; a test changes one thing and expects one finding. Every call is recorded as
 * `<service> <operation>`.
 */

export interface ScriptedAccount {
  account: Account;
  /** The environment that points the SDK at it, with static credentials. */
  readonly env: Record<string, string>;
  /** Every call so far, `<service> <operation>`, in order. */
  calls(): string[];
  reset(account?: Account): void;
  close(): Promise<void>;
}

export async function startScriptedAccount(): Promise<ScriptedAccount> {
  const current = () => scripted.account;
  const clock = scaledClock(1000);
  const ids = new IdSource();
  const nothingRuns = { log: () => undefined, taskChanged: () => undefined, healthyOn: () => true };
  const services = [
    new SimulatedEc2(current),
    new SimulatedIam(ids, clock, current),
    new SimulatedSns(ids, current),
    new SimulatedEcs(clock, nothingRuns, new Faults(), "us-east-1", current),
  ].map((service) => withAccountRefusals(service, current));
  const server = await startSimulatedAws([...services, new SimulatedS3(current)]);
  const recorded = server.calls as RecordedCall[];
  const scripted: ScriptedAccount = {
    account: correctAccount(),
    env: {
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: "AKIDLOCAL",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_EC2_METADATA_DISABLED: "true",
    },
    calls: () => recorded.map((call) => `${call.service} ${call.operation}`),
    reset(account = correctAccount()) {
      scripted.account = account;
      recorded.length = 0;
    },
    close: () => server.close(),
  };
  return scripted;
}
