/**
 * The rehearsal (issue 19, first layer): Terraform with the real hashicorp/aws provider applies
 * the staging stack against the simulated AWS, the drain function admits the group's instance
 * through the launch hook, and a plan afterwards is empty. It takes about a minute (the
 * provider's own waits run in real time), so `npm test` skips it unless `REHEARSAL=1`;
 * `npm run rehearse` runs the same with its figures printed.
 */
import { execFileSync } from "node:child_process";
import { rehearsalUnavailable, rehearseBaseApply } from "./rehearsal";

const unavailable =
  process.env.REHEARSAL === "1"
    ? rehearsalUnavailable()
    : "set REHEARSAL=1 to run (about a minute)";
const describeRehearsal = unavailable === undefined ? describe : describe.skip;

describeRehearsal(`the rehearsal${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  it("applies the staging stack with the real provider, admits the instance through the launch hook, and converges", async () => {
    execFileSync("npm", ["run", "--silent", "synth"], { stdio: "ignore" });
    const result = await rehearseBaseApply({
      stage: "staging",
      outdir: "cdktf.out",
      msPerSecond: 50,
      registrationSeconds: 20,
    });
    expect({
      status: result.applyStatus,
      output: result.applyStatus === 0 ? "" : result.applyOutput,
    }).toEqual({ status: 0, output: "" });
    expect(result.pendingChanges).toEqual({});
    // The group's capacity wait ended because the drain function, run as built, admitted the
    // instance after ECS registered it, not because the hook timed out.
    const admitted = result.functionDecisions.filter((d) => d.action === "admit");
    expect(admitted).toHaveLength(1);
    expect(
      result.timeline.map((e) => e.event).filter((e) => / InService in /.test(e)),
    ).toHaveLength(1);
    expect(result.timeline.some((e) => / timed out: /.test(e.event))).toBe(false);
    expect(result.calls.filter((call) => call.error !== undefined)).toEqual([]);
  }, 240_000);
});
