import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TerraformResult } from "../../../../simulation/terraform/harness";
import {
  KeptPlansWorkspace,
  keptPlansFolder,
  trimFolder,
} from "../../../../simulation/terraform/real-provider/kept-plans";

const provider = {
  dir: "/nowhere",
  cliConfigFile: "/nowhere/terraform.rc",
  version: "5.100.0",
  mirror: "/nowhere",
};

/** Terraform's process boundary replaced: each command is recorded and answered by its name. */
class RecordingWorkspace extends KeptPlansWorkspace {
  readonly commands: string[] = [];

  protected override async spawnTerraform(args: readonly string[]): Promise<TerraformResult> {
    this.commands.push(args.join(" "));
    const stdout =
      args[0] === "show"
        ? JSON.stringify({ resource_changes: [{ address: "a.b", seen: this.commands.length }] })
        : args[0] === "graph"
          ? `digraph ${this.commands.length}`
          : args[0] === "providers"
            ? '{"provider_schemas":{}}'
            : "";
    return { status: 0, stdout, stderr: "" };
  }
}

const temporary: string[] = [];
const folderOf = () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "kept-plans-test-"));
  temporary.push(folder);
  return folder;
};
afterAll(() => temporary.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function workspace(folder: string | undefined, identity = "terraform 1.11.4") {
  const made = new RecordingWorkspace(provider, { identity, folder });
  temporary.push(made.dir);
  made.writeStack({ resource: { aws_sns_topic: { t: { name: "t" } } } });
  return made;
}

const writeStateOf = (ws: RecordingWorkspace, text: string) =>
  fs.writeFileSync(path.join(ws.dir, "terraform.tfstate"), text);

describe("kept offline plans", () => {
  it("runs init, plan and show once; the same inputs in another workspace read the kept plan and run nothing", async () => {
    const folder = folderOf();
    const first = workspace(folder);
    await first.init();
    const planned = await first.plan("-refresh=false");
    expect(first.commands.map((c) => c.split(" ")[0])).toEqual(["init", "plan", "show"]);

    const second = workspace(folder);
    await second.init();
    expect(await second.plan("-refresh=false")).toEqual(planned);
    expect(second.commands).toEqual([]);
  });

  it("plans again when the state, the configuration, the options or the toolchain differ", async () => {
    const folder = folderOf();
    const base = workspace(folder);
    await base.plan("-refresh=false");

    const otherState = workspace(folder);
    writeStateOf(otherState, '{"version":4}');
    await otherState.plan("-refresh=false");
    expect(otherState.commands).toContain("show -json tfplan");

    const otherConfig = workspace(folder);
    otherConfig.writeStack({ resource: { aws_sns_topic: { t: { name: "u" } } } });
    await otherConfig.plan("-refresh=false");
    expect(otherConfig.commands).toContain("show -json tfplan");

    const otherOptions = workspace(folder);
    await otherOptions.plan();
    expect(otherOptions.commands).toContain("show -json tfplan");

    const otherTerraform = workspace(folder, "terraform 1.12.0");
    await otherTerraform.plan("-refresh=false");
    expect(otherTerraform.commands).toContain("show -json tfplan");
  });

  it("keeps the apply graph of a plan; a graph not kept makes the plan file first when the plan was read back", async () => {
    const folder = folderOf();
    const first = workspace(folder);
    await first.plan("-refresh=false");
    const graph = await first.mustRun("graph", "-type=apply", "-plan=tfplan");
    // The plan file of this workspace's own plan is used as it is.
    expect(first.commands.filter((c) => c.startsWith("plan"))).toHaveLength(1);

    const again = workspace(folder);
    await again.plan("-refresh=false");
    expect(await again.mustRun("graph", "-type=apply", "-plan=tfplan")).toBe(graph);
    expect(again.commands).toEqual([]);

    // A graph of a plan read back but never graphed: the plan is made, then graphed.
    const fresh = folderOf();
    const planOnly = workspace(fresh);
    await planOnly.plan("-refresh=false");
    const reading = workspace(fresh);
    await reading.plan("-refresh=false");
    await reading.mustRun("graph", "-type=apply", "-plan=tfplan");
    expect(reading.commands.map((c) => c.split(" ")[0])).toEqual(["plan", "graph"]);
  });

  it("keeps the provider schemas; runs any other command every time", async () => {
    const folder = folderOf();
    const first = workspace(folder);
    await first.mustRun("providers", "schema", "-json");
    await first.mustRun("validate");
    const second = workspace(folder);
    await second.mustRun("providers", "schema", "-json");
    await second.mustRun("validate");
    expect(second.commands).toEqual(["validate"]);
  });

  it("runs every command when keeping is off", async () => {
    expect(keptPlansFolder({ REAL_PROVIDER_CACHE: "off" })).toBeUndefined();
    expect(keptPlansFolder({ REAL_PROVIDER_CACHE: "/kept" })).toBe("/kept");
    for (let i = 0; i < 2; i++) {
      const off = workspace(undefined);
      await off.plan("-refresh=false");
      expect(off.commands.map((c) => c.split(" ")[0])).toEqual(["plan", "show"]);
    }
  });

  it("trims the folder to its size, least recently used first", () => {
    const folder = folderOf();
    for (const [name, age] of [
      ["old", 30],
      ["mid", 20],
      ["new", 10],
    ] as const) {
      const file = path.join(folder, `${name}.gz`);
      fs.writeFileSync(file, Buffer.alloc(100));
      const when = new Date(Date.now() - age * 1000);
      fs.utimesSync(file, when, when);
    }
    trimFolder(folder, 250);
    expect(fs.readdirSync(folder).sort()).toEqual(["mid.gz", "new.gz"]);
  });
});
