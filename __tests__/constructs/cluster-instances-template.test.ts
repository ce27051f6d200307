import "../support/cdktf-matchers";
import fc from "fast-check";
import { Testing } from "cdktf";
import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { changeSet, type SynthesizedDocument } from "../../change-set/change-set";
import { ClusterInstances, ClusterInstancesProps } from "../../constructs/cluster-instances";
import {
  DEFAULT_ROOT_DEVICE_NAME,
  InstanceLaunchTemplate,
} from "../../constructs/instance-launch-template";
import { ReplacementTrigger } from "../../constructs/replacement-trigger";
import {
  clusterWithDrain,
  emptyStack,
  INSTANCES_PROPS,
  onlyResource,
  synthScope,
} from "../../simulation/fixtures";
import { COMMITTED_AMI, NEW_AMI } from "../../simulation/amis";

const required: Omit<ClusterInstancesProps, "cluster" | "drain"> = {
  ...INSTANCES_PROPS,
  instanceType: "m7g.large",
  launch: "template",
};

const TEMPLATE = "aws_launch_template.instances";
const GENERATION = "terraform_data.launch_generation";
const ASG = "aws_autoscaling_group.instances";

function document(props: Partial<ClusterInstancesProps> = {}): SynthesizedDocument {
  return synthScope((scope) => {
    const { cluster, drain } = clusterWithDrain(scope);
    new ClusterInstances(scope, "Instances", { cluster, drain, ...required, ...props });
  });
}

function synth(props: Partial<ClusterInstancesProps> = {}) {
  const doc = document(props);
  return {
    doc,
    template: onlyResource(doc, "aws_launch_template"),
    asg: onlyResource(doc, "aws_autoscaling_group"),
    generation: doc.resource?.terraform_data?.launch_generation as Record<string, unknown>,
  };
}

/** The change set's actions for the construct's rollout resources, from one change of props. */
function rollout(
  change: Partial<ClusterInstancesProps>,
  from: Partial<ClusterInstancesProps> = {},
) {
  const changes = changeSet(document(from), document({ ...from, ...change }));
  return Object.fromEntries(changes.map((c) => [c.address, c.action]));
}

/** camelCase keys (cdktf's, in triggers_replace) as Terraform's snake_case, however deep. */
function snakeCased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCased);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      snakeCased(item),
    ]),
  );
}

describe("ClusterInstances with launch: template", () => {
  describe("launch template", () => {
    it("has no launch configuration beside it", () => {
      expect(synth().doc.resource).not.toHaveProperty("aws_launch_configuration");
    });

    it("launches what the launch configuration would, with the same settings", () => {
      const props: Partial<ClusterInstancesProps> = {
        instanceType: "m6i.large",
        keyName: "ops",
        rootVolumeSizeGiB: 50,
        instanceMetadataHopLimit: 2,
        ecsAgentSettings: { ECS_ENABLE_TASK_IAM_ROLE: "true" },
      };
      const { template } = synth(props);
      const lc = onlyResource(
        document({ ...props, launch: "configuration" }),
        "aws_launch_configuration",
      );
      expect(template).toMatchObject({
        name_prefix: lc.name_prefix,
        image_id: lc.image_id,
        instance_type: lc.instance_type,
        iam_instance_profile: { name: lc.iam_instance_profile },
        vpc_security_group_ids: lc.security_groups,
        key_name: "ops",
        metadata_options: lc.metadata_options,
        monitoring: { enabled: true },
      });
      expect(Buffer.from(template.user_data as string, "base64").toString("utf8")).toBe(
        lc.user_data,
      );
      const root = lc.root_block_device as Record<string, unknown>;
      expect(template.block_device_mappings).toEqual([
        {
          device_name: DEFAULT_ROOT_DEVICE_NAME,
          ebs: {
            volume_type: root.volume_type,
            volume_size: root.volume_size,
            encrypted: String(root.encrypted),
            delete_on_termination: String(root.delete_on_termination),
          },
        },
      ]);
    });

    it("requires IMDSv2 with one hop by default", () => {
      expect(synth().template.metadata_options).toEqual({
        http_endpoint: "enabled",
        http_tokens: "required",
        http_put_response_hop_limit: 1,
      });
    });

    it("has no key pair by default", () => {
      expect(synth().template).not.toHaveProperty("key_name");
    });

    it("is created before a replaced one is destroyed", () => {
      expect(synth().template.lifecycle).toEqual({ create_before_destroy: true });
    });
  });

  describe("generation", () => {
    it("holds exactly the template's launch arguments, so no launch setting can change without it", () => {
      const { template, generation } = synth({ keyName: "ops" });
      const launchArguments = Object.fromEntries(
        Object.entries(template).filter(
          ([key]) => !["//", "name_prefix", "lifecycle"].includes(key),
        ),
      );
      expect(snakeCased(generation.triggers_replace)).toEqual(launchArguments);
    });
  });

  describe("autoscaling group", () => {
    it("launches the template's latest version by id, written out (never $Latest or $Default)", () => {
      const { asg } = synth();
      expect(asg.launch_template).toEqual({
        id: "${aws_launch_template.instances.id}",
        version: "${aws_launch_template.instances.latest_version}",
      });
      expect(asg).not.toHaveProperty("launch_configuration");
      expect(asg).not.toHaveProperty("mixed_instances_policy");
    });

    it("is named after the generation, under the cluster's prefix IAM relies on", () => {
      const { asg } = synth();
      expect(asg.name_prefix).toBe("apps-test-${terraform_data.launch_generation.id}-");
      expect(asg).not.toHaveProperty("name");
    });

    it("is replaced by a new generation or new hooks, created before the old one is destroyed", () => {
      expect(synth().asg.lifecycle).toEqual({
        create_before_destroy: true,
        replace_triggered_by: [GENERATION, "terraform_data.drain_hook"],
      });
    });

    it("never refreshes its instances in place and is never force-deleted", () => {
      const { asg, doc } = synth();
      expect(asg).not.toHaveProperty("instance_refresh");
      expect(asg).not.toHaveProperty("force_delete");
      expect(doc.resource).not.toHaveProperty("aws_autoscaling_lifecycle_hook");
    });

    it("keeps the inline hooks, metrics, capacity wait and delete timeout of a launch configuration group", () => {
      const { asg } = synth();
      const lcGroup = onlyResource(
        document({ launch: "configuration", instanceType: "m6g.large" }),
        "aws_autoscaling_group",
      );
      for (const key of [
        "initial_lifecycle_hook",
        "enabled_metrics",
        "metrics_granularity",
        "wait_for_capacity_timeout",
        "timeouts",
        "depends_on",
        "tag",
        "min_size",
        "max_size",
        "desired_capacity",
        "vpc_zone_identifier",
        "health_check_type",
      ]) {
        expect([key, asg[key]]).toEqual([key, lcGroup[key]]);
      }
    });
  });

  describe("what a change plans (change-set/change-set.ts)", () => {
    it("for a new AMI: the template updated, the generation and the group replaced", () => {
      expect(rollout({ amiId: NEW_AMI })).toEqual({
        [TEMPLATE]: "update",
        [GENERATION]: "replace",
        [ASG]: "replace",
      });
    });

    it.each<[string, Partial<ClusterInstancesProps>]>([
      ["instance type", { instanceType: "m8g.large" }],
      ["hop limit", { instanceMetadataHopLimit: 2 }],
      ["root volume", { rootVolumeSizeGiB: 60 }],
      ["key pair", { keyName: "ops" }],
      ["agent settings (user data)", { ecsAgentSettings: { ECS_LOGLEVEL: "warn" } }],
      ["security groups", { securityGroupIds: ["sg-0b2c3d4e5f607182a"] }],
      ["instance profile", { instanceProfileName: "apps-test-other" }],
    ])("for a new %s: a new group, never an in-place group update", (_what, change) => {
      const actions = rollout(change);
      expect(actions[TEMPLATE]).toBe("update");
      expect(actions[GENERATION]).toBe("replace");
      expect(actions[ASG]).toBe("replace");
    });

    it("for any combination of launch-setting changes: a new group, never an in-place group update", () => {
      const changes = fc
        .record(
          {
            amiId: fc.constant(NEW_AMI),
            instanceType: fc.constantFrom("m8g.large", "c7i.xlarge", "t3.large"),
            instanceMetadataHopLimit: fc.constant(2 as const),
            rootVolumeSizeGiB: fc.integer({ min: 31, max: 200 }),
            keyName: fc.constantFrom("ops", "break-glass"),
            ecsAgentSettings: fc.constant({ ECS_LOGLEVEL: "warn" }),
          },
          { requiredKeys: [] },
        )
        .filter((change) => Object.keys(change).length > 0);
      fc.assert(
        fc.property(changes, (change) => {
          const actions = rollout(change);
          expect([actions[TEMPLATE], actions[GENERATION], actions[ASG]]).toEqual([
            "update",
            "replace",
            "replace",
          ]);
        }),
        { numRuns: 6 },
      );
    });

    it("for new capacity: the group updated in place, no new generation", () => {
      expect(rollout({ desiredCapacity: 4 })).toEqual({ [ASG]: "update" });
    });
  });

  it("exposes the template and its generation, and no launch configuration", () => {
    const stack = emptyStack();
    const { cluster, drain } = clusterWithDrain(stack);
    const instances = new ClusterInstances(stack, "Instances", { cluster, drain, ...required });
    expect(instances.launchConfiguration).toBeUndefined();
    expect(instances.launchTemplate?.template).toBeInstanceOf(LaunchTemplate);
    expect(instances.launchTemplate?.generation).toBeInstanceOf(ReplacementTrigger);
  });

  it("synthesizes through cdktf's matchers too", () => {
    const synthesized = Testing.synthScope((scope) => {
      const { cluster, drain } = clusterWithDrain(scope);
      new ClusterInstances(scope, "Instances", { cluster, drain, ...required });
    });
    expect(synthesized).toHaveResourceWithProperties(LaunchTemplate, {
      image_id: COMMITTED_AMI,
      instance_type: "m7g.large",
    });
    expect(synthesized).toHaveResourceWithProperties(AutoscalingGroup, {
      launch_template: expect.objectContaining({
        version: "${aws_launch_template.instances.latest_version}",
      }),
    });
  });
});

describe("InstanceLaunchTemplate", () => {
  const settings = {
    amiId: COMMITTED_AMI,
    instanceType: "t3.large",
    instanceProfileName: "p",
    securityGroupIds: ["sg-0a1b2c3d4e5f60719"],
    userData: "#!/bin/bash\n",
    instanceMetadataHopLimit: 1 as const,
    rootVolumeSizeGiB: 30,
  };

  it("maps the root volume to the device the props name", () => {
    const doc = synthScope((scope) => {
      new InstanceLaunchTemplate(scope, "T", {
        namePrefix: "x-",
        settings,
        rootDeviceName: "/dev/sda1",
      });
    });
    const template = onlyResource(doc, "aws_launch_template");
    expect(template.block_device_mappings).toEqual([
      expect.objectContaining({ device_name: "/dev/sda1" }),
    ]);
  });

  it("rejects a root device name that is not a device", () => {
    expect(() =>
      synthScope((scope) => {
        new InstanceLaunchTemplate(scope, "T", {
          namePrefix: "x-",
          settings,
          rootDeviceName: "xvda",
        });
      }),
    ).toThrow(
      'InstanceLaunchTemplate rootDeviceName must be a device name like /dev/xvda, got "xvda"',
    );
  });
});
