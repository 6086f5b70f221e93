// Resource use of another process from /proc (RSS, peak RSS, CPU seconds): the operator under test runs as
// its own process, so its numbers are not mixed with the harness's.
import { readFileSync } from "node:fs";

import { readdirSync } from "node:fs";

function ownRss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), peak: kb("VmHWM") };
}

/** The process's children (its isolation workers), from each process's stat in /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * RSS of the process and its children together (what the pod's memory limit sees: the operator and its
 * isolation workers); `peak` is the sum of each one's high-water mark, an upper bound of the joint peak.
 */
export function rssBytes(pid: number): { rss: number; peak: number } {
  const total = ownRss(pid);
  for (const child of childPids(pid)) {
    try {
      const own = ownRss(child);
      total.rss += own.rss;
      total.peak += own.peak;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** User + system CPU seconds the process has used so far (children that exited are not counted). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return ticks / 100; // USER_HZ is 100 on Linux
}
