/**
 * The rehearsal's conversion of Terraform's own timeouts from AWS time to the real time they
 * last when AWS time is compressed.
 */
import type { SynthesizedDocument } from "../../../change-set/document";
import {
  durationMs,
  durationText,
  timeoutsInRealTime,
} from "../../../simulation/rehearsal/terraform-timeouts";

const group = (settings: Record<string, unknown>): SynthesizedDocument => ({
  resource: {
    aws_autoscaling_group: { instances: { max_size: 2, ...settings } },
    aws_sqs_queue: { failures: { name: "q" } },
  },
});

describe("durationMs", () => {
  it.each([
    ["90m", 5_400_000],
    ["1h30m", 5_400_000],
    ["45s", 45_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
  ])("reads %s as %d ms", (text, ms) => {
    expect(durationMs(text)).toBe(ms);
  });

  it.each(["", "90", "m", "10 m", "10x", "5m later"])("refuses %j, naming it", (text) => {
    expect(() => durationMs(text)).toThrow(`not a Terraform duration: ${JSON.stringify(text)}`);
  });
});

describe("durationText", () => {
  it("writes whole seconds, rounded up", () => {
    expect([durationText(270_000), durationText(1), durationText(45_001)]).toEqual([
      "270s",
      "1s",
      "46s",
    ]);
  });
});

describe("timeoutsInRealTime", () => {
  it("converts the delete timeout and the capacity wait to the real time they last", () => {
    const { document, converted } = timeoutsInRealTime(
      group({ timeouts: { delete: "90m" }, wait_for_capacity_timeout: "15m" }),
      50,
    );
    const asg = document.resource?.aws_autoscaling_group.instances;
    // 90 minutes of AWS time at 50 ms a second: 5,400 s × 0.05 = 270 s.
    expect(asg).toEqual({
      max_size: 2,
      timeouts: { delete: "270s" },
      wait_for_capacity_timeout: "45s",
    });
    expect(converted).toEqual([
      {
        where: "aws_autoscaling_group.instances wait_for_capacity_timeout",
        awsTime: "15m",
        realTime: "45s",
      },
      {
        where: "aws_autoscaling_group.instances timeouts.delete",
        awsTime: "90m",
        realTime: "270s",
      },
    ]);
  });

  it("converts every operation of a timeouts block, on any resource", () => {
    const { document } = timeoutsInRealTime(
      {
        resource: {
          aws_lambda_function: { fn: { timeouts: { create: "10m", update: "1h", delete: "20s" } } },
        },
      },
      100,
    );
    expect(document.resource?.aws_lambda_function.fn.timeouts).toEqual({
      create: "60s",
      update: "360s",
      delete: "2s",
    });
  });

  it('leaves a wait turned off ("0") off, and a document without timeouts as it was', () => {
    const input = group({ wait_for_capacity_timeout: "0" });
    const { document, converted } = timeoutsInRealTime(input, 50);
    expect(document).toEqual(input);
    expect(converted).toEqual([]);
  });

  it("keeps real time at 1000 ms a second", () => {
    const { document } = timeoutsInRealTime(group({ timeouts: { delete: "90m" } }), 1000);
    expect(document.resource?.aws_autoscaling_group.instances.timeouts).toEqual({
      delete: "5400s",
    });
  });
});
