import { benchFlags } from "../../bench/flags";

/** benchFlags on `argv` as a script's command line: its flags, or its one line and exit code. */
function flagsOf(argv: string[]) {
  const lines: string[] = [];
  const error = jest.spyOn(console, "error").mockImplementation((line) => lines.push(line));
  const exit = jest.spyOn(process, "exit").mockImplementation((code) => {
    throw new Error(`exit ${String(code)}`);
  });
  try {
    return { flags: benchFlags("test", { runs: 3, suites: 12 }, ["cold"], argv) };
  } catch (stopped) {
    return { stopped: (stopped as Error).message, lines };
  } finally {
    error.mockRestore();
    exit.mockRestore();
  }
}

describe("a benchmark's flags", () => {
  it("are the defaults without any, and what is given", () => {
    expect(flagsOf([])).toEqual({ flags: { runs: 3, suites: 12, cold: false } });
    expect(flagsOf(["--runs", "5", "--cold"])).toEqual({
      flags: { runs: 5, suites: 12, cold: true },
    });
  });

  test.each([
    [["--help"], "bench:test: Unknown option '--help'"],
    [["--runs", "0"], 'bench:test: --runs must be a whole number of at least 1, got "0"'],
    [["--suites", "1.5"], 'bench:test: --suites must be a whole number of at least 1, got "1.5"'],
    [["--cold", "3"], "bench:test: Unexpected argument '3'"],
  ])("refuse %j in one line naming the flags there are, exit 2", (argv, message) => {
    expect(flagsOf(argv)).toEqual({
      stopped: "exit 2",
      lines: [`${message} (flags: --runs <n>, --suites <n>, --cold)`],
    });
  });
});
