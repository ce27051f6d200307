import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { promisify } from "node:util";
import {
  startAwsEndpoint,
  type AwsEndpoint,
  type AwsRequest,
} from "../../simulation/aws/scripted-endpoint";
import { sceneAnswer, type Scene } from "./cluster-scene";
import { copyOfStages, differingLines, withoutAnsi } from "./support";
import { COMMITTED_AMI, NEW_AMI, OLDER_AMI, STAGES_FIXTURE } from "../../simulation/amis";

/**
 * The CLI as people start it (the bin, the esbuild bundle, the SDK's default credential chain and
 * retries), against a local endpoint reached only through AWS_ENDPOINT_URL. Two cases go through
 * `npm run cluster -- ...` (its output and its exit status pass through npm); the others start
 * the bin as npm's script does, without npm's own start (~0.35 CPU-seconds each).
 */

// Each case starts node (two of them npm too), which takes a second or more on a busy machine.
jest.setTimeout(60_000);

const run = promisify(execFile);
let endpoint: AwsEndpoint;

beforeAll(async () => {
  endpoint = await startAwsEndpoint();
});
afterAll(() => endpoint.close());
beforeEach(() => {
  endpoint.requests.length = 0;
});

/** The environment of an operator's shell pointed at the stand-in, nothing of this machine's AWS. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")),
  );
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_ACCESS_KEY_ID: "AKIDLOCAL",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    AWS_EC2_METADATA_DISABLED: "true",
    STAGES_FILE: resolve(STAGES_FIXTURE),
    ...extra,
  };
}

/** Runs a command to its end: its exit status and both outputs, whatever the status. */
async function outcome(command: string, args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(command, args, { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** `node bin/apps-cluster.cjs <args>`: what npm's `cluster` script runs. */
const runCluster = (args: string[], env: NodeJS.ProcessEnv) =>
  outcome("node", ["bin/apps-cluster.cjs", ...args], env);

/** `npm run cluster -- <args>`; stdout without npm's two banner lines, stderr without its notes. */
async function npmRunCluster(args: string[], env: NodeJS.ProcessEnv) {
  const result = await outcome("npm", ["run", "cluster", "--", ...args], env);
  return {
    code: result.code,
    stdout: withoutBanner(result.stdout),
    stderr: result.code === 0 ? result.stderr : withoutNpmNotes(result.stderr),
  };
}
const withoutBanner = (stdout: string) => stdout.replace(/^\n?> .*\n> .*\n\n/, "");
const withoutNpmNotes = (stderr: string) => stderr.replace(/^npm (error|ERR!).*\n?/gm, "");

const recommended = JSON.stringify({
  ecs_agent_version: "1.99.0",
  image_id: NEW_AMI,
  image_name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
  image_version: "2023.0.20261120",
  os: "Amazon Linux 2023",
  schema_version: 1,
});

function awsAnswers(scene?: () => Scene) {
  return (request: AwsRequest) => {
    switch (request.operation) {
      case "GetParameter":
        return {
          output: { Parameter: { Name: request.params.Name, Type: "String", Value: recommended } },
        };
      case "DescribeInstanceTypes":
        return {
          output: {
            instanceTypeSet: [
              {
                instanceType: request.params["InstanceType.1"],
                processorInfo: { supportedArchitectures: ["x86_64"] },
              },
            ],
          },
        };
      case "DescribeImages":
        return {
          output: {
            imagesSet: [
              {
                imageId: request.params["ImageId.1"],
                imageState: "available",
                imageOwnerId: "591542846629",
                imageOwnerAlias: "amazon",
                architecture: "x86_64",
                name: "al2023-ami-ecs-hvm-2023.0.20261120-kernel-6.1-x86_64",
                creationDate: "2026-11-21T03:04:05.000Z",
              },
            ],
          },
        };
      default: {
        const output = sceneAnswer(scene!(), request.operation, flatParams(request.params));
        return { output };
      }
    }
  };
}

/** Query-protocol lists (`InstanceIds.member.1=...`) as the arrays the scene expects. */
function flatParams(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const [key, value] of Object.entries(params)) {
    const list = /^(\w+)\.member\.\d+$/.exec(key);
    if (list) out[list[1]] = [...((out[list[1]] as unknown[] | undefined) ?? []), value];
  }
  return out;
}

describe("the CLI end to end, through AWS_ENDPOINT_URL", () => {
  it("lists every command with --help", async () => {
    const result = await npmRunCluster(["--help"], environment());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("  ami set [options] <stage> <ami-id>\n");
    expect(result.stdout).toContain("  balance check [options] <stage>\n");
  });

  it("ami latest --json reads the public parameter in the staging region", async () => {
    endpoint.answer = awsAnswers();
    const result = await runCluster(["ami", "latest", "--json"], environment());
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toMatchObject({ imageId: NEW_AMI, os: "Amazon Linux 2023" });
    expect(endpoint.requests).toEqual([
      {
        service: "ssm",
        region: "us-east-1",
        operation: "GetParameter",
        params: { Name: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended" },
      },
    ]);
  });

  it("ami set staging latest checks the image in EC2 and changes one line of the file", async () => {
    endpoint.answer = awsAnswers();
    const stages = copyOfStages();
    const before = readFileSync(stages, "utf8");
    const result = await runCluster(
      ["ami", "set", "staging", "latest"],
      environment({ STAGES_FILE: stages }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`staging.amiId: ${COMMITTED_AMI} -> ${NEW_AMI}`);
    expect(endpoint.requests.map((r) => `${r.service} ${r.region} ${r.operation}`).sort()).toEqual([
      "ec2 us-east-1 DescribeImages",
      // The current image, which the new one must not be older than.
      "ec2 us-east-1 DescribeImages",
      "ec2 us-east-1 DescribeInstanceTypes",
      "ec2 us-east-1 DescribeInstanceTypes",
      "ssm us-east-1 GetParameter",
    ]);
    expect(differingLines(before, readFileSync(stages, "utf8"))).toHaveLength(1);
  });

  it("ami show --check exits 1 while a stage is behind the recommended AMI", async () => {
    endpoint.answer = awsAnswers();
    const result = await runCluster(["ami", "show", "--check"], environment());
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`^staging +${COMMITTED_AMI} .* behind ${NEW_AMI}`, "m"),
    );
  });

  it("rollout watch follows the cluster until it is done and exits 0", async () => {
    const stages = copyOfStages();
    const instance = {
      id: "i-0new0000000000002",
      ami: COMMITTED_AMI,
      az: "us-east-1b",
      tasks: 2,
      asg: "apps-staging-2",
    };
    const old = {
      id: "i-0old0000000000001",
      ami: OLDER_AMI,
      az: "us-east-1a",
      tasks: 1,
      status: "DRAINING",
    };
    const polls = () => endpoint.requests.filter((r) => r.operation === "ListContainerInstances");
    const scene = (): Scene => ({
      cluster: "apps-staging",
      // The old instance is gone from the second poll on.
      instances: polls().length <= 1 ? [old, instance] : [instance],
      services: [{ name: "web", desired: 2, running: 2 }],
    });
    endpoint.answer = awsAnswers(scene);
    const result = await runCluster(
      ["rollout", "watch", "staging", "--interval", "1s"],
      environment({ STAGES_FILE: stages }),
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/ instance i-0old0000000000001 gone\n/);
    expect(result.stdout).toMatch(
      new RegExp(`every container instance runs ${COMMITTED_AMI}, every service is steady\n$`),
    );
    expect(new Set(endpoint.requests.map((r) => `${r.service} ${r.region}`))).toEqual(
      new Set(["ecs us-east-1", "autoscaling us-east-1"]),
    );
  });

  it("rollout watch draws the live view on a terminal", async () => {
    const stages = copyOfStages();
    const instance = { id: "i-0new0000000000002", ami: COMMITTED_AMI, az: "us-east-1b", tasks: 2 };
    endpoint.answer = awsAnswers(() => ({
      cluster: "apps-staging",
      instances: [instance],
      services: [{ name: "web", desired: 2, running: 2 }],
    }));
    const result = await runCluster(
      ["rollout", "watch", "staging"],
      environment({
        STAGES_FILE: stages,
        NODE_OPTIONS: `--require ${resolve("__tests__/cli/fake-tty.cjs")}`,
      }),
    );
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const screen = withoutAnsi(result.stdout);
    expect(screen).toContain(`tasks moved off other AMIs than ${COMMITTED_AMI} [`);
    expect(screen).toContain(
      `i-0new0000000000002  (no ASG)  ${COMMITTED_AMI}  us-east-1b  ACTIVE  2 running`,
    );
    expect(screen).not.toMatch(/^\d\d:\d\d:\d\d /m);
  });

  it("balance check production --fix forces a new deployment of the lopsided service", async () => {
    const a = { id: "i-0aaa0000000000001", ami: COMMITTED_AMI, az: "us-east-1a", tasks: 2 };
    const b = { id: "i-0bbb0000000000002", ami: COMMITTED_AMI, az: "us-east-1b", tasks: 0 };
    endpoint.answer = awsAnswers(() => ({
      cluster: "apps-production",
      instances: [a, b],
      services: [{ name: "web", desired: 2, running: 2, taskOn: [a.id, a.id] }],
    }));
    const result = await runCluster(["balance", "check", "production", "--fix"], environment());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "web: all 2 running tasks on one instance (i-0aaa0000000000001)\n",
    );
    const updates = endpoint.requests.filter((r) => r.operation === "UpdateService");
    expect(updates.map((r) => r.params)).toEqual([
      { cluster: "apps-production", service: "web", forceNewDeployment: true },
    ]);
  });

  it("an access-denied answer is one line and exit 2", async () => {
    endpoint.answer = () => ({
      error: "AccessDeniedException",
      message: "not authorized to perform: ssm:GetParameter",
    });
    const result = await npmRunCluster(["ami", "latest"], environment());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: AWS denied access (AccessDeniedException: not authorized to perform: ssm:GetParameter)\n",
    );
  });

  it("no credentials anywhere in the default chain is one line and exit 2", async () => {
    const env = environment();
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const result = await runCluster(["ami", "latest"], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no AWS credentials found \(.*\); set AWS_PROFILE .*\n$/);
    expect(endpoint.requests).toEqual([]);
  });

  it("throttling that outlasts the SDK's retries is one line with the attempts", async () => {
    endpoint.answer = () => ({ error: "ThrottlingException", message: "Rate exceeded" });
    const result = await runCluster(["ami", "latest"], environment());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: AWS throttled the request (ThrottlingException) and it still failed after 3 attempt(s); wait a minute and run it again\n",
    );
    expect(endpoint.requests).toHaveLength(3);
  });

  it("rollout watch stops on Ctrl-C with exit 130 and what is still pending", async () => {
    const stuck = {
      id: "i-0old0000000000001",
      ami: OLDER_AMI,
      az: "us-east-1a",
      tasks: 1,
    };
    endpoint.answer = awsAnswers(() => ({
      cluster: "apps-staging",
      instances: [stuck],
      services: [],
    }));
    // The bin itself (what npm starts), so the signal reaches the CLI's process.
    const child = spawn("node", ["bin/apps-cluster.cjs", "rollout", "watch", "staging"], {
      env: environment({ STAGES_FILE: copyOfStages() }),
    });
    let stdout = "";
    let pressed = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      // Once: a second Ctrl-C after the CLI has stopped watching ends it the default way.
      if (stdout.includes("task(s) left") && !pressed) {
        pressed = child.kill("SIGINT");
      }
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(stdout).toMatch(
      /\nstopped; still pending on staging \(apps-staging, us-east-1\): 1 instance\(s\) on another AMI \(i-0old0000000000001 ACTIVE 1 tasks\)\n$/,
    );
  });

  it("an endpoint that does not answer is one line naming it", async () => {
    const result = await runCluster(
      ["ami", "latest"],
      environment({ AWS_ENDPOINT_URL: "http://127.0.0.1:9" }),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "error: cannot reach AWS at http://127.0.0.1:9 (AWS_ENDPOINT_URL): ECONNREFUSED\n",
    );
  });
});
