import { readFileSync } from "node:fs";
import {
  AccessDeniedException,
  ClusterNotFoundException,
  ListServicesCommand,
} from "@aws-sdk/client-ecs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { mockScene } from "./scene-mocks";
import { cli } from "./support";

const ssm = mockClient(SSMClient);
const aws = mockScene(() => ({ cluster: "apps-production", instances: [], services: [] }));

/** An error as the SDK raises it for a service's answer (a name, a fault, response metadata). */
const serviceError = (name: string, message: string, attempts = 1) =>
  Object.assign(new Error(message), { name, $fault: "client", $metadata: { attempts } });

beforeEach(() => {
  ssm.reset();
  aws.reset();
});

describe("errors the operator can meet are one line and exit 2", () => {
  it.each<[string, Error, string]>([
    [
      "no credentials",
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
      'no AWS credentials found (Could not load credentials from any providers); set AWS_PROFILE (and run "aws sso login") or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    ],
    [
      "access denied",
      serviceError(
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: ssm:GetParameter",
      ),
      "AWS denied access (AccessDeniedException: User: arn:aws:iam::123456789012:user/oncall is not authorized to perform: ssm:GetParameter)",
    ],
    [
      "expired credentials",
      serviceError(
        "ExpiredTokenException",
        "The security token included in the request is expired",
      ),
      "AWS credentials have expired (ExpiredTokenException: The security token included in the request is expired); log in again",
    ],
    [
      "throttling after retries",
      serviceError("ThrottlingException", "Rate exceeded", 3),
      "AWS throttled the request (ThrottlingException) and it still failed after 3 attempt(s); wait a minute and run it again",
    ],
    [
      "throttling the SDK recognises by its HTTP status (429) alone",
      Object.assign(serviceError("SomeNewLimitError", "Too many requests", 4), {
        $metadata: { attempts: 4, httpStatusCode: 429 },
      }),
      "AWS throttled the request (SomeNewLimitError) and it still failed after 4 attempt(s); wait a minute and run it again",
    ],
    [
      "an unreachable endpoint",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      "cannot reach AWS: ECONNREFUSED",
    ],
    [
      "a region the SDK does not accept (it checks when it builds the endpoint)",
      new Error('Region not accepted: region="foo bar" is not a valid hostname component.'),
      'Region not accepted: region="foo bar" is not a valid hostname component.',
    ],
    [
      "a server error after the SDK's retries",
      Object.assign(serviceError("InternalFailure", "internal error"), {
        $fault: "server",
        $metadata: { attempts: 3, httpStatusCode: 500 },
      }),
      "AWS failed on its side (HTTP 500, InternalFailure: internal error) 3 times; try again later",
    ],
    [
      "an answer the SDK could not read (its body cut off)",
      Object.assign(
        new SyntaxError(
          "Unexpected end of JSON input\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.",
        ),
        { $response: { statusCode: 200 }, $metadata: { httpStatusCode: 200 } },
      ),
      "AWS's answer could not be read (HTTP 200, Unexpected end of JSON input)",
    ],
    [
      "any other AWS error",
      serviceError("InternalServerError", "We encountered an internal error"),
      "AWS request failed (InternalServerError: We encountered an internal error)",
    ],
  ])("%s", async (_, error, line) => {
    ssm.on(GetParameterCommand).rejects(error);
    const result = await cli("ami latest");
    expect(result).toEqual({ code: 2, stdout: "", stderr: `error: ${line}\n` });
  });

  it("cluster not found (when ECS says so after the existence check)", async () => {
    aws.ecs
      .on(ListServicesCommand)
      .rejects(new ClusterNotFoundException({ message: "Cluster not found.", $metadata: {} }));
    const result = await cli("balance check production");
    expect(result.stderr).toBe(
      "error: ECS cluster not found (ClusterNotFoundException: Cluster not found.)\n",
    );
    expect(result.code).toBe(2);
  });

  it("access denied by ECS, as the SDK models it", async () => {
    aws.ecs.on(ListServicesCommand).rejects(
      new AccessDeniedException({
        message: "not authorized to perform: ecs:ListServices",
        $metadata: {},
      }),
    );
    const result = await cli("balance check production");
    expect(result.stderr).toBe(
      "error: AWS denied access (AccessDeniedException: not authorized to perform: ecs:ListServices)\n",
    );
  });

  it("a stages file that is not there", async () => {
    const result = await cli("ami show", { stagesFile: "/nonexistent/stages.json" });
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: /nonexistent/stages.json: cannot read (ENOENT)\n",
    });
  });
});

describe("errors that are bugs", () => {
  it("keep their stack trace (the CLI does not hide them)", async () => {
    ssm.on(GetParameterCommand).rejects(new TypeError("x is not a function"));
    await expect(cli("ami latest")).rejects.toThrow(TypeError);
  });
});

describe("usage", () => {
  it("lists every command in the top-level help, exit 0", async () => {
    const result = await cli("--help");
    expect(result.code).toBe(0);
    for (const command of [
      "ami latest",
      "ami show",
      "ami set [options] <stage> <ami-id>",
      "ami promote",
      "rollout watch [options] <stage>",
      "balance check [options] <stage>",
      "check [options] [stage]",
    ]) {
      expect(result.stdout).toContain(`  ${command}`);
    }
  });

  it.each([
    "ami latest",
    "ami show",
    "ami set",
    "ami promote",
    "rollout watch",
    "balance check",
    "check",
  ])("shows an example in the help of %s", async (command) => {
    const result = await cli(`${command} --help`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`\\n  \\$ npm run cluster -- ${command} `));
  });

  it("prints package.json's version with --version, exit 0", async () => {
    const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(await cli("--version")).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("names every exit code of rollout watch in its help, the signals' too", async () => {
    const { stdout } = await cli("rollout watch --help");
    for (const code of [0, 1, 2, 130, 143, 129]) expect(stdout).toMatch(new RegExp(`[ ,]${code} `));
  });

  it("rejects an unknown command with a suggestion, exit 2", async () => {
    const result = await cli("ami lastest");
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'lastest'\n(Did you mean latest?)\n");
  });
});
