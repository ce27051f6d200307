import { Construct } from "constructs";
import { Token } from "cdktf";
import { LaunchTemplate, type LaunchTemplateConfig } from "@cdktf/provider-aws/lib/launch-template";
import { ConfigError, describeValue } from "../config/config-error";
import { metadataOptions, type LaunchSettings } from "./launch-settings";
import { atFixedAddress, FIXED_ADDRESSES } from "./readable-address";
import { ReplacementTrigger } from "./replacement-trigger";

/** The root device of the ECS-optimized Amazon Linux 2 and 2023 AMIs. */
export const DEFAULT_ROOT_DEVICE_NAME = "/dev/xvda";

export interface InstanceLaunchTemplateProps {
  /** Name prefix of the template (`<clusterName>-`); AWS generates the rest of the name. */
  readonly namePrefix: string;
  /**
   * What every instance launches with. A change updates the template in place (a new version)
   * and replaces the generation, and with it the group.
   */
  readonly settings: LaunchSettings;
  /**
   * Device name of the AMI's root volume, which the template's block device mapping must name
   * (a launch configuration's root_block_device needs none).
   * @default "/dev/xvda" — the root device of the ECS-optimized Amazon Linux 2 and 2023 AMIs;
   * another name would add a second volume instead of sizing the root one
   */
  readonly rootDeviceName?: string;
}

/**
 * A launch template and its generation. A template is versioned and updated in place, so by
 * itself it would never give the cluster a new group: the generation (`terraform_data`, its
 * `triggers_replace` the template's launch arguments, the very same object) is replaced exactly
 * when those arguments change, and the group takes its name from the generation and names it in
 * `replace_triggered_by`. A new AMI is therefore a new template version, a new generation and a
 * new group, drained like a launch configuration rollout.
 */
export class InstanceLaunchTemplate extends Construct {
  /** `aws_launch_template.instances`. */
  public readonly template: LaunchTemplate;
  /** `terraform_data.launch_generation`: replaced whenever what instances launch with changes. */
  public readonly generation: ReplacementTrigger;
  /**
   * The version the group launches: the template's latest, written out. The old group keeps the
   * version it was created with, so instances it launches while it drains boot the old AMI.
   */
  public readonly version: string;

  constructor(scope: Construct, id: string, props: InstanceLaunchTemplateProps) {
    super(scope, id);
    const rootDeviceName = props.rootDeviceName ?? DEFAULT_ROOT_DEVICE_NAME;
    if (!/^\/dev\/[a-z0-9]+$/.test(rootDeviceName)) {
      throw new ConfigError(
        `InstanceLaunchTemplate rootDeviceName must be a device name like /dev/xvda, got ${describeValue(props.rootDeviceName)}`,
      );
    }
    const { settings } = props;
    // Everything an instance launches with; the generation holds exactly this object.
    const launchArguments = {
      imageId: settings.amiId,
      instanceType: settings.instanceType,
      iamInstanceProfile: { name: settings.instanceProfileName },
      vpcSecurityGroupIds: [...settings.securityGroupIds],
      keyName: settings.keyName,
      userData: Buffer.from(settings.userData, "utf8").toString("base64"),
      metadataOptions: metadataOptions(settings),
      // A launch configuration enables detailed monitoring unless told otherwise; so does this.
      monitoring: { enabled: true },
      blockDeviceMappings: [
        {
          deviceName: rootDeviceName,
          ebs: {
            volumeType: "gp3",
            volumeSize: settings.rootVolumeSizeGiB,
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
    } satisfies Omit<LaunchTemplateConfig, "namePrefix" | "lifecycle">;

    this.generation = atFixedAddress(
      new ReplacementTrigger(
        this,
        "Generation",
        // Without the unset key pair: cdktf leaves undefined out of triggers_replace too.
        JSON.parse(JSON.stringify(launchArguments)) as Record<string, unknown>,
      ),
      FIXED_ADDRESSES.launchGeneration,
    );
    this.template = atFixedAddress(
      new LaunchTemplate(this, "Template", {
        namePrefix: props.namePrefix,
        ...launchArguments,
        lifecycle: { createBeforeDestroy: true },
      }),
      FIXED_ADDRESSES.launchTemplate,
    );
    this.version = Token.asString(this.template.latestVersion);
  }
}
