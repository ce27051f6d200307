import "aws-sdk-client-mock-jest";
import { ListTasksCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import type { Scene } from "./cluster-scene";
import { LOPSIDED, PRODUCTION_INSTANCES as instances } from "./scenes";
import { mockScene } from "./scene-mocks";
import { cli } from "./support";

let current: Scene = LOPSIDED;
const aws = mockScene(() => current);

beforeEach(() => {
  current = LOPSIDED;
  aws.reset();
});

describe("balance check", () => {
  it("lists services whose tasks all sit on one instance or in one AZ, and exits 1", async () => {
    const result = await cli("balance check production");
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "api: all 2 running tasks on one AZ (us-east-1a)",
      "web: all 3 running tasks on one instance (i-0aaa0000000000001)",
      "run with --fix to force a new deployment of: api, web",
      "",
    ]);
    expect(aws.ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it("does not look at the tasks of a service with fewer than 2 running", async () => {
    await cli("balance check production");
    expect(aws.ecs).not.toHaveReceivedCommandWith(ListTasksCommand, { serviceName: "cron" });
  });

  it("forces a new deployment of exactly the lopsided services with --fix", async () => {
    const result = await cli("balance check production --fix");
    expect(result.code).toBe(0);
    expect(aws.ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 2);
    for (const service of ["api", "web"]) {
      expect(aws.ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {
        cluster: "apps-production",
        service,
        forceNewDeployment: true,
      });
    }
    expect(result.stdout).toContain("forced a new deployment of: api, web\n");
  });

  it("shows what --fix would do with --dry-run and changes nothing", async () => {
    const result = await cli("balance check production --dry-run");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("--fix would force a new deployment of: api, web\n");
    expect(aws.ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it("refuses --fix together with --dry-run", async () => {
    const result = await cli("balance check production --fix --dry-run");
    expect(result).toEqual({
      code: 2,
      stdout: "",
      stderr: "error: option '--fix' cannot be used with option '--dry-run'\n",
    });
    expect(aws.ecs).not.toHaveReceivedAnyCommand();
  });

  it("exits 0 when every service is spread", async () => {
    current = { ...LOPSIDED, services: LOPSIDED.services.slice(2) };
    const result = await cli("balance check production --fix");
    expect(result).toEqual({
      code: 0,
      stdout:
        "production: every service with 2 or more running tasks is spread over instances and AZs (1 checked)\n",
      stderr: "",
    });
    expect(aws.ecs).not.toHaveReceivedCommand(UpdateServiceCommand);
  });

  it("does not report what a one-instance cluster cannot spread", async () => {
    current = {
      cluster: "apps-staging",
      instances: [instances[0]],
      services: [
        { name: "web", desired: 2, running: 2, taskOn: [instances[0].id, instances[0].id] },
      ],
    };
    const result = await cli("balance check staging");
    expect(result.code).toBe(0);
  });

  it("ignores draining instances when deciding whether tasks could be spread", async () => {
    current = {
      ...LOPSIDED,
      instances: [
        instances[0],
        { ...instances[1], status: "DRAINING" },
        { ...instances[2], status: "DRAINING" },
      ],
      services: [LOPSIDED.services[0]],
    };
    expect((await cli("balance check production")).code).toBe(0);
  });
});
