import { dirname } from "node:path";
import fc from "fast-check";
import { replaceFileAtomically } from "../../config/atomic-file";
import { withStageAmiId } from "../../config/stages-file";
import { copyOfStages } from "../cli/support";
import { NEW_AMI, STAGES_FIXTURE } from "../../simulation/amis";

// The module object itself (not an import's read-only namespace), so its functions can be spied on.
const fs: typeof import("node:fs") = jest.requireActual("node:fs");

describe("withStageAmiId", () => {
  const text = fs.readFileSync(STAGES_FIXTURE, "utf8");

  it.each(["staging", "production"])("changes only the bytes of %s's amiId value", (stage) => {
    const old = JSON.parse(text)[stage].amiId as string;
    const edited = withStageAmiId(text, stage, NEW_AMI);
    // The old and new ids have the same length, so every byte outside the value must match.
    const at = [...text.matchAll(new RegExp(`"${old}"`, "g"))].map((m) => m.index)[
      stage === "staging" ? 0 : 1
    ];
    expect(edited.length).toBe(text.length);
    expect(edited.slice(0, at)).toBe(text.slice(0, at));
    expect(edited.slice(at + old.length + 2)).toBe(text.slice(at + old.length + 2));
    expect(JSON.parse(edited)[stage].amiId).toBe(NEW_AMI);
  });

  it("changes nothing but that value, however the file is laid out", () => {
    const amiId = fc.stringMatching(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/);
    const stages = fc.record({
      staging: fc.record({ region: fc.constant("us-east-1"), amiId, minSize: fc.nat() }),
      production: fc.record({ amiId, subnetIds: fc.array(fc.string()) }),
    });
    fc.assert(
      fc.property(
        stages,
        fc.constantFrom(0, 1, 2, 4, "\t"),
        fc.constantFrom("staging", "production"),
        amiId,
        (config, indent, stage, id) => {
          const text = JSON.stringify(config, null, indent);
          const expected = {
            ...config,
            [stage]: { ...config[stage as keyof typeof config], amiId: id },
          };
          const edited = withStageAmiId(text, stage, id);
          expect(JSON.parse(edited)).toEqual(expected);
          expect(edited).toBe(JSON.stringify(expected, null, indent));
        },
      ),
    );
  });

  it("keeps the layout people chose (inline lists, key order, spacing)", () => {
    const compact = '{"staging":{"amiId":"ami-12345678","subnetIds":["subnet-1"]},"production":{}}';
    expect(withStageAmiId(compact, "staging", NEW_AMI)).toBe(
      `{"staging":{"amiId":"${NEW_AMI}","subnetIds":["subnet-1"]},"production":{}}`,
    );
  });
});

describe("replaceFileAtomically", () => {
  afterEach(() => jest.restoreAllMocks());

  it("replaces the file and leaves no temporary file", () => {
    const path = copyOfStages();
    replaceFileAtomically(path, "new\n");
    expect(fs.readFileSync(path, "utf8")).toBe("new\n");
    expect(fs.readdirSync(dirname(path))).toEqual(["stages.json"]);
  });

  it("leaves the original and no temporary file when the write fails half-way", () => {
    const path = copyOfStages();
    const before = fs.readFileSync(path);
    const write = fs.writeSync;
    jest.spyOn(fs, "writeSync").mockImplementation((fd, data) => {
      write(fd, String(data).slice(0, 10));
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    expect(() => replaceFileAtomically(path, "a much longer new content\n")).toThrow(
      `${path}: cannot write (ENOSPC); the file is unchanged`,
    );
    jest.restoreAllMocks();
    expect(fs.readFileSync(path).equals(before)).toBe(true);
    expect(fs.readdirSync(dirname(path))).toEqual(["stages.json"]);
  });

  it("leaves the original when the rename fails", () => {
    const path = copyOfStages();
    const before = fs.readFileSync(path);
    jest.spyOn(fs, "renameSync").mockImplementation(() => {
      throw Object.assign(new Error("cross-device link"), { code: "EXDEV" });
    });
    expect(() => replaceFileAtomically(path, "new\n")).toThrow("cannot write (EXDEV)");
    jest.restoreAllMocks();
    expect(fs.readFileSync(path).equals(before)).toBe(true);
    expect(fs.readdirSync(dirname(path))).toEqual(["stages.json"]);
  });
});
