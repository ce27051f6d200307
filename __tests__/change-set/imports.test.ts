import { changeSet, type SynthesizedDocument } from "../../change-set/change-set";

/** A launch configuration and an ASG named after it, with the import blocks given. */
const doc = (
  imports: { to: string; id: string }[],
  imageId = "ami-12345678",
): SynthesizedDocument =>
  ({
    resource: {
      aws_launch_configuration: { lc: { image_id: imageId } },
      aws_autoscaling_group: {
        asg: { name_prefix: "${aws_launch_configuration.lc.name}-", max_size: 2 },
      },
    },
    ...(imports.length > 0 ? { import: imports } : {}),
  }) as SynthesizedDocument;

const LC = { to: "aws_launch_configuration.lc", id: "lc-1" };
const ASG = { to: "aws_autoscaling_group.asg", id: "asg-1" };

describe("changeSet with import blocks of resources in both documents", () => {
  it("reports a new import block of an unchanged resource as an import, with its id", () => {
    expect(changeSet(doc([]), doc([ASG]))).toEqual([
      {
        address: "aws_autoscaling_group.asg",
        action: "import",
        reasons: ["import block added (id asg-1)"],
        importId: "asg-1",
      },
    ]);
  });

  it("puts the new import block first among the reasons of a resource that also changes", () => {
    const changes = changeSet(doc([]), doc([LC], "ami-87654321"));
    expect(changes).toEqual([
      {
        address: "aws_autoscaling_group.asg",
        action: "replace",
        reasons: ["name_prefix refers to replaced aws_launch_configuration.lc"],
      },
      {
        address: "aws_launch_configuration.lc",
        action: "replace",
        reasons: ["import block added (id lc-1)", "image_id changed"],
        importId: "lc-1",
      },
    ]);
  });

  it("reports an import block whose id changed, as Terraform imports the other object", () => {
    expect(changeSet(doc([ASG]), doc([{ ...ASG, id: "asg-2" }]))).toEqual([
      expect.objectContaining({ address: "aws_autoscaling_group.asg", importId: "asg-2" }),
    ]);
  });

  it("reports nothing for an import block both documents have, or one that is removed", () => {
    expect(changeSet(doc([ASG, LC]), doc([ASG, LC]))).toEqual([]);
    expect(changeSet(doc([ASG, LC]), doc([]))).toEqual([]);
  });
});
