import {
  AMI_UPDATE_FROM_TEMPLATE,
  SWITCH_TO_CONFIGURATION,
  SWITCH_TO_TEMPLATE,
  describePlan,
  expectedPlanProblems,
  launchSwitch,
} from "../../../ops/change-guard/launch-expectations";
import { AMI_UPDATE, amiUpdateFor } from "../../../ops/change-guard/verdict";

describe("launch expectations", () => {
  it("pick the AMI update plan by launch kind, a launch configuration by default", () => {
    expect(amiUpdateFor()).toBe(AMI_UPDATE);
    expect(amiUpdateFor("configuration")).toBe(AMI_UPDATE);
    expect(amiUpdateFor("template")).toBe(AMI_UPDATE_FROM_TEMPLATE);
  });

  it("pick the switch plan by direction, and none when the kind stays", () => {
    expect(launchSwitch("configuration", "template")).toBe(SWITCH_TO_TEMPLATE);
    expect(launchSwitch("template", "configuration")).toBe(SWITCH_TO_CONFIGURATION);
    expect(launchSwitch("template", "template").size).toBe(0);
  });

  it("word a plan two entries a line, as ami set advises it", () => {
    expect(describePlan(AMI_UPDATE)).toEqual([
      "aws_launch_configuration.instances replaced, aws_autoscaling_group.instances replaced,",
      "aws_cloudwatch_metric_alarm.low_instance_alarm updated in place",
    ]);
    expect(describePlan(SWITCH_TO_TEMPLATE)).toEqual([
      "aws_launch_template.instances created, terraform_data.launch_generation created,",
      "aws_launch_configuration.instances deleted, aws_autoscaling_group.instances replaced,",
      "aws_cloudwatch_metric_alarm.low_instance_alarm updated in place",
    ]);
  });

  it("refuse a template AMI plan whose group has another reason than the generation and the new version", () => {
    const changes = [...AMI_UPDATE_FROM_TEMPLATE].map(([address, { action }]) => ({
      address,
      action,
      reasons:
        address === "aws_autoscaling_group.instances"
          ? [
              "name_prefix refers to replaced terraform_data.launch_generation",
              "vpc_zone_identifier changed",
            ]
          : address === "aws_launch_template.instances"
            ? ["image_id changed"]
            : address === "terraform_data.launch_generation"
              ? ["triggers_replace changed"]
              : ["dimensions refers to replaced aws_autoscaling_group.instances"],
    }));
    expect(
      expectedPlanProblems(
        { staging: { configChanges: ["amiId"], changes } },
        ["amiId"],
        () => AMI_UPDATE_FROM_TEMPLATE,
      ),
    ).toEqual([
      "staging: unexpected reason for the replace of aws_autoscaling_group.instances: vpc_zone_identifier changed",
    ]);
  });
});
