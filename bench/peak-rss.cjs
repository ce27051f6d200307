// Preloaded into each measured process (NODE_OPTIONS=--require): on exit, writes the process's
// peak resident set size in KiB to the file named by PEAK_RSS_FILE.
const { writeFileSync } = require("node:fs");

process.on("exit", () => {
  writeFileSync(process.env.PEAK_RSS_FILE, String(process.resourceUsage().maxRSS));
});
