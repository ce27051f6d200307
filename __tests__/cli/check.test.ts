import { cli, copyOfStages } from "./support";
import { correctAccount, startScriptedAccount, type ScriptedAccount } from "./preflight-account";

let aws: ScriptedAccount;
const saved = { ...process.env };
beforeAll(async () => {
  aws = await startScriptedAccount();
  for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
  Object.assign(process.env, aws.env, { AWS_CONFIG_FILE: "/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials" });
});
afterAll(async () => {
  process.env = saved;
  await aws.close();
});
beforeEach(() => aws.reset());

it("smoke", async () => {
  const result = await cli("check --all");
  console.log(result, aws.calls());
});
