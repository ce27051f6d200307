/**
 * The resident memory of a process and all its descendants (Linux `/proc`), sampled: a
 * rehearsal's memory is mostly Terraform's, the provider's and the function's processes.
 */
import { readdirSync, readFileSync } from "node:fs";

function parentOf(pid: string): string | undefined {
  try {
    // The command name (field 2) may hold spaces; the parent id follows its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
  } catch {
    return undefined;
  }
}

function rssKiB(pid: string): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** KiB resident in `root` and its descendants now. */
export function treeRssKiB(root: number = process.pid): number {
  const children = new Map<string, string[]>();
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  let total = 0;
  const pending = [String(root)];
  while (pending.length > 0) {
    const pid = pending.pop() as string;
    total += rssKiB(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples the tree every `everyMs` until stopped; returns the peak in KiB. */
export function sampleTreeRss(everyMs = 500): { stop(): number } {
  let peak = treeRssKiB();
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssKiB());
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, treeRssKiB());
    },
  };
}
