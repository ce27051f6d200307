import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  keepState,
  readState,
  stateCacheFile,
} from "../../../../simulation/terraform/real-provider/state-cache";

describe("the kept no-op state", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "state-cache-"));
  const config = { resource: { aws_sns_topic: { t: { name: "t" } } } };

  it("is keyed by the configuration and the provider version", () => {
    const file = stateCacheFile(config, "5.100.0", dir);
    expect(path.dirname(file as string)).toBe(dir);
    expect(stateCacheFile(config, "5.100.0", dir)).toBe(file);
    expect(stateCacheFile(config, "5.99.0", dir)).not.toBe(file);
    const other = { resource: { aws_sns_topic: { t: { name: "u" } } } };
    expect(stateCacheFile(other, "5.100.0", dir)).not.toBe(file);
  });

  it("is read back as kept, empty when there is none, and not kept when caching is off", () => {
    const file = stateCacheFile(config, "5.100.0", dir);
    expect(readState(file)).toEqual(new Map());
    const state = new Map([
      [
        "aws_sns_topic.t",
        {
          type: "aws_sns_topic",
          name: "t",
          attributes: { id: "t" },
          dependencies: [],
          createBeforeDestroy: false,
        },
      ],
    ]);
    keepState(file, state);
    expect(readState(file)).toEqual(state);
    expect(stateCacheFile(config, "5.100.0", "off")).toBeUndefined();
    expect(readState(undefined)).toEqual(new Map());
  });
});
