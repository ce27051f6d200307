import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { readable } from "../../constructs/readable-address";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { ConfigError } from "../../config/config-error";
import { addClusterStacks } from "../../stacks/cluster-app";
import { ClusterStack } from "../../stacks/cluster-stack";
import { readStages } from "../../config/stages";
import { DRAIN_ZIP, baseStages, synthStages } from "../../simulation/fixtures";

const ROLLOUT_ADDRESSES = [
  "aws_launch_configuration.instances",
  "aws_autoscaling_group.instances",
  "aws_cloudwatch_metric_alarm.low_instance_alarm",
];

/** Every string in a JSON value, however deep. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

describe("ClusterStack", () => {
  const stages = synthStages(baseStages());

  it.each(["staging", "production"] as const)(
    "puts the rollout resources of %s at readable, stable addresses",
    (stage) => {
      const resources = stages[stage].resource ?? {};
      for (const address of ROLLOUT_ADDRESSES) {
        const [type, name] = address.split(".");
        expect(resources[type]).toHaveProperty([name]);
      }
    },
  );

  it.each(["staging", "production"] as const)(
    "configures the AWS provider of %s with its region and default tags",
    (stage) => {
      expect(stages[stage].provider).toEqual({
        aws: [
          {
            region: "us-east-1",
            default_tags: [{ tags: { Project: "apps-cluster", Stage: stage, ManagedBy: "cdktf" } }],
          },
        ],
      });
    },
  );

  it.each(["staging", "production"] as const)(
    "keeps the state of %s under its own key in S3, encrypted and locked by an S3 lock file",
    (stage) => {
      expect((stages[stage].terraform as { backend: unknown }).backend).toEqual({
        s3: {
          bucket: "test-terraform-state",
          key: `apps-cluster/${stage}/terraform.tfstate`,
          region: "us-east-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
    },
  );

  it.each(["staging", "production"] as const)(
    "requires of Terraform what the S3 lock file needs (1.10) in %s, so an older one refuses the stack",
    (stage) => {
      expect(stages[stage].terraform).toHaveProperty("required_version", ">= 1.10");
    },
  );

  it("locks the state with a DynamoDB table instead when the stage names one (Terraform < 1.10)", () => {
    const config = baseStages();
    config.production.stateLockTable = "test-terraform-locks";
    const { staging, production } = synthStages(config);
    const backendOf = (doc: typeof staging) =>
      (doc.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    expect(backendOf(production)).toMatchObject({ dynamodb_table: "test-terraform-locks" });
    expect(backendOf(production)).not.toHaveProperty("use_lockfile");
    expect(backendOf(staging)).not.toHaveProperty("dynamodb_table");
    // That backend works from 1.5, which the import blocks of an adoption need.
    expect(production.terraform).toHaveProperty("required_version", ">= 1.5");
    expect(staging.terraform).toHaveProperty("required_version", ">= 1.10");
  });

  it("adds the stage's own tags to the default tags and the instances' tags", () => {
    const config = baseStages();
    config.staging.tags = { CostCenter: "digital" };
    const { staging } = synthStages(config);
    const provider = (staging.provider as { aws: Array<{ default_tags: unknown }> }).aws[0];
    expect(provider.default_tags).toEqual([
      {
        tags: {
          Project: "apps-cluster",
          Stage: "staging",
          ManagedBy: "cdktf",
          CostCenter: "digital",
        },
      },
    ]);
    expect(staging.resource?.aws_autoscaling_group?.instances?.tag).toContainEqual({
      key: "CostCenter",
      value: "digital",
      propagate_at_launch: true,
    });
  });

  it.each(["staging", "production"] as const)(
    "declares the termination hook of %s inline, never as a separate resource",
    (stage) => {
      expect(stages[stage].resource).not.toHaveProperty("aws_autoscaling_lifecycle_hook");
      expect(stages[stage].resource?.aws_autoscaling_group?.instances).toHaveProperty(
        "initial_lifecycle_hook",
      );
    },
  );

  it.each(["staging", "production"] as const)(
    "lets nothing in %s but the LC, the ASG and the alarm refer to the LC or the ASG",
    (stage) => {
      const offenders: string[] = [];
      for (const kind of ["resource", "data"] as const) {
        for (const [type, blocks] of Object.entries(stages[stage][kind] ?? {})) {
          for (const [name, config] of Object.entries(blocks)) {
            const address = `${type}.${name}`;
            if (ROLLOUT_ADDRESSES.includes(address)) continue;
            const mentions = stringsIn(config).filter((s) =>
              /aws_(autoscaling_group|launch_configuration)\.instances/.test(s),
            );
            if (mentions.length > 0) offenders.push(`${kind} ${address}: ${mentions.join(", ")}`);
          }
        }
      }
      expect(offenders).toEqual([]);
    },
  );

  it.each(["staging", "production"] as const)(
    "writes bare addresses in the meta-arguments of %s, as Terraform JSON requires",
    (stage) => {
      const metaArguments = Object.values(stages[stage].resource ?? {})
        .flatMap((blocks) => Object.values(blocks))
        .flatMap((config) => {
          const lifecycle = (config.lifecycle ?? {}) as { replace_triggered_by?: string[] };
          return [
            ...((config.depends_on ?? []) as string[]),
            ...(lifecycle.replace_triggered_by ?? []),
          ];
        });
      expect(metaArguments.length).toBeGreaterThan(0);
      for (const address of metaArguments) expect(address).toMatch(/^[a-z_]+\.[a-z_]+$/);
    },
  );

  it("passes a stage's drain.registrationTimeoutSeconds to the launch hook, the function and the capacity wait", () => {
    const config = baseStages();
    config.staging.drain = { registrationTimeoutSeconds: 1200 };
    const { staging } = synthStages(config);
    const asg = staging.resource?.aws_autoscaling_group?.instances as Record<string, unknown>;
    expect(asg.initial_lifecycle_hook).toContainEqual(
      expect.objectContaining({
        lifecycle_transition: "autoscaling:EC2_INSTANCE_LAUNCHING",
        heartbeat_timeout: 1200,
      }),
    );
    expect(asg.wait_for_capacity_timeout).toBe("25m");
    expect(staging.resource?.aws_lambda_function?.instance_drain?.environment).toMatchObject({
      variables: { REGISTRATION_TIMEOUT_SECONDS: "1200" },
    });
  });

  it("rejects a stage's registration timeout outside the hook's range in one line naming the stage", () => {
    const config = baseStages();
    config.production.drain = { registrationTimeoutSeconds: 30 };
    expect(() => addClusterStacks(Testing.app(), config, DRAIN_ZIP)).toThrow(
      new ConfigError(
        "stacks/stages.json: production: InstanceDrain registrationTimeoutSeconds must be a whole number from 60 (time to boot and register) to 7200 (Auto Scaling's limit), got 30",
      ),
    );
  });

  it("notifies the stage's alarm topic of failed drain events where it has one", () => {
    const failures = (stage: "staging" | "production") =>
      stages[stage].resource?.aws_cloudwatch_metric_alarm?.instance_drain_failures;
    expect(failures("production")).toMatchObject({
      alarm_actions: ["arn:aws:sns:us-east-1:123456789012:oncall"],
    });
    expect(failures("staging")).not.toHaveProperty("alarm_actions");
  });

  it("rejects two resources claiming one address", () => {
    const app = Testing.app();
    const stack = new ClusterStack(app, "staging", {
      config: baseStages().staging,
      drainCodeZipPath: DRAIN_ZIP,
    });
    readable(new SnsTopic(stack, "Impostor", { name: "impostor" }), "instance_drain");
    expect(() => stack.runAllValidations()).toThrow(
      "aws_sns_topic.instance_drain is claimed by both staging/AppsCluster/Drain/Topic and staging/Impostor",
    );
  });

  it.each(["staging", "production"] as const)("synthesizes %s as recorded", (stage) => {
    expect(stages[stage]).toMatchSnapshot();
  });
});

describe("stacks/stages.json", () => {
  const stages = readStages("stacks/stages.json");

  it("runs staging on one instance", () => {
    expect(stages.staging).toMatchObject({ minSize: 1, desiredCapacity: 1 });
  });

  it("runs production on at least two instances across two subnets", () => {
    expect(stages.production.minSize).toBeGreaterThanOrEqual(2);
    expect(new Set(stages.production.subnetIds).size).toBeGreaterThanOrEqual(2);
  });

  it("is the only file in the code that holds an AMI id", () => {
    const ami = /ami-[0-9a-f]{8}\b|ami-[0-9a-f]{17}\b/;
    const holders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|json|js|mjs|ya?ml)$/.test(entry) && ami.test(readFileSync(path, "utf8"))) {
          holders.push(path);
        }
      }
    };
    for (const dir of [
      "constructs",
      "stacks",
      "config",
      "change-set",
      "ops",
      "lambda",
      "bench",
      "cli",
    ]) {
      try {
        walk(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    for (const file of ["main.ts", "cdktf.json", "atlantis.yaml"]) {
      try {
        if (ami.test(readFileSync(file, "utf8"))) holders.push(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    expect(holders).toEqual(["stacks/stages.json"]);
  });
});
