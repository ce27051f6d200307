import { describeImages, instanceTypeArchitectures } from "../ami/ec2-images";
import { unusableImageReason } from "../ami/ecs-ami";
import type { CheckFamily } from "./finding";

/**
 * The stage's `amiId` in its own region: exists, is available, is Amazon's standard
 * ECS-optimized image, and runs on the instance type's architecture. The same rule as `ami set`
 * (ops/ami/ecs-ami.ts), applied to what the stages file already holds.
 */
export const imageChecks: CheckFamily = {
  name: "the AMI",
  async run({ name, config }, { ec2 }) {
    const [images, architectures] = await Promise.all([
      describeImages(ec2, [config.amiId]),
      instanceTypeArchitectures(ec2, config.instanceType),
    ]);
    const image = images.get(config.amiId);
    const reason = unusableImageReason(config.amiId, image, {
      region: config.region,
      instanceTypeField: `${name}.instanceType`,
      instanceType: config.instanceType,
      // An instance type the region does not have is the instance type's finding, not this one.
      architectures: architectures ?? [image?.architecture ?? ""],
    });
    if (reason === undefined) return [];
    // AMI ids are regional: an id copied from another region, or a stage moved to another
    // region with its old id, is not found here.
    const fix =
      image === undefined
        ? `AMI ids differ per region: npm run cluster -- ami set ${name} latest (looks it up in ${config.region})`
        : `npm run cluster -- ami set ${name} latest`;
    return [{ field: "amiId", value: config.amiId, problem: withoutId(reason, config.amiId), fix }];
  },
};

/** The shared reason starts with the id, which the finding's line already shows. */
function withoutId(reason: string, amiId: string): string {
  return reason.startsWith(`${amiId} `) ? reason.slice(amiId.length + 1) : reason;
}
