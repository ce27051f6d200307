import { PLACEHOLDER_PREFIX } from "../../config/placeholders";
import { stageWarnings } from "../../stacks/synth-report";
import { baseStages } from "../../simulation/fixtures";
import { loadStagesFrom } from "../support/stages-file";

describe("stageWarnings", () => {
  it("says nothing about stages that are ready to deploy", () => {
    const stages = baseStages();
    stages.staging.alarm = { actionsTopicArn: "arn:aws:sns:us-east-1:123456789012:staging" };
    expect(stageWarnings(loadStagesFrom(stages), "s.json")).toEqual([]);
  });

  test.each<[string, (stages: ReturnType<typeof baseStages>) => void, string[]]>([
    [
      "a stage without an alarm topic",
      () => undefined,
      ["warning: s.json: staging: its alarms notify no one (set alarm.actionsTopicArn)"],
    ],
    [
      "placeholders and a placeholder topic, in one line per stage",
      (s) => {
        s.production.subnetIds = s.production.subnetIds.map((id) => `${PLACEHOLDER_PREFIX}${id}`);
        s.production.alarm = {
          actionsTopicArn: `${PLACEHOLDER_PREFIX}${s.production.alarm?.actionsTopicArn}`,
        };
        s.staging.instanceProfileName = `${PLACEHOLDER_PREFIX}${s.staging.instanceProfileName}`;
      },
      [
        "warning: s.json: staging: placeholders in instanceProfileName (replace them before deploying); its alarms notify no one (set alarm.actionsTopicArn)",
        "warning: s.json: production: placeholders in subnetIds[0], subnetIds[1], alarm.actionsTopicArn (replace them before deploying); its alarms notify no one until alarm.actionsTopicArn is a real topic",
      ],
    ],
  ])("warns about %s", (_case, edit, lines) => {
    const stages = baseStages();
    edit(stages);
    expect(stageWarnings(loadStagesFrom(stages), "s.json")).toEqual(lines);
  });
});
