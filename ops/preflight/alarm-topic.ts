import { GetTopicAttributesCommand } from "@aws-sdk/client-sns";
import { isAwsError } from "../aws-lookups";
import { type CheckFamily, type Finding } from "./finding";

/**
 * The stage's `alarm.actionsTopicArn`, when it has one: the topic exists in the stage's region,
 * and is not encrypted with the AWS managed `aws/sns` key, whose policy cannot let CloudWatch
 * publish (every alarm notification would fail while the alarms still change state).
 */
export const alarmTopicChecks: CheckFamily = {
  name: "the alarm topic",
  async run({ config }, { sns }) {
    const value = config.alarm?.actionsTopicArn;
    if (value === undefined) return [];
    const field = "alarm.actionsTopicArn";
    let key: string | undefined;
    try {
      const { Attributes } = await sns.send(new GetTopicAttributesCommand({ TopicArn: value }));
      key = Attributes?.KmsMasterKeyId;
    } catch (error) {
      if (!isAwsError(error, "NotFoundException", "NotFound")) throw error;
      return [
        {
          field,
          value,
          problem: `no such topic in ${config.region}: the alarms would notify no one`,
        },
      ];
    }
    const findings: Finding[] = [];
    if (key !== undefined && /(^|:)alias\/aws\/sns$/.test(key)) {
      findings.push({
        field,
        value,
        problem:
          "is encrypted with the AWS managed key aws/sns, which CloudWatch cannot use: every alarm notification fails",
        fix: "use no encryption, or a customer managed key that allows cloudwatch.amazonaws.com kms:GenerateDataKey* and kms:Decrypt",
      });
    }
    return findings;
  },
};
