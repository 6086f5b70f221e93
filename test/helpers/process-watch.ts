// Watches an operator process the way a kubelet would: /healthz probed with the kubelet's default 1 s
// timeout, RSS sampled from procfs. Tests assert on the counts it keeps, never on how long things took.
import { rssBytes } from "../bench/benchmark/process-stats.ts";

export interface ProcessWatch {
  probes: number;
  /** Probes that failed: a non-200 answer, no answer, or no answer within the timeout. */
  failures: string[];
  /** Highest resident set size seen (the process and its children), in MiB. */
  maxRssMiB: number;
  stop(): void;
}

/** The operator's RSS with its isolation workers (the pod's memory limit counts them all). */
function rssMiB(pid: number): number | undefined {
  try {
    return rssBytes(pid).rss / 2 ** 20;
  } catch {
    return undefined;
  }
}

export function watchProcess(pid: number, healthzUrl: string, opts: { everyMs?: number; timeoutMs?: number } = {}): ProcessWatch {
  const everyMs = opts.everyMs ?? 250;
  const timeoutMs = opts.timeoutMs ?? 1000;
  const watch: ProcessWatch = { probes: 0, failures: [], maxRssMiB: 0, stop: () => clearInterval(timer) };
  let inFlight = false;
  const timer = setInterval(async () => {
    const rss = rssMiB(pid);
    if (rss !== undefined) watch.maxRssMiB = Math.max(watch.maxRssMiB, rss);
    if (inFlight) return;
    inFlight = true;
    watch.probes++;
    try {
      const response = await fetch(healthzUrl, { signal: AbortSignal.timeout(timeoutMs) });
      await response.text();
      if (response.status !== 200) watch.failures.push(`${new Date().toISOString()} HTTP ${response.status}`);
    } catch (err) {
      watch.failures.push(`${new Date().toISOString()} ${(err as Error).name}`);
    } finally {
      inFlight = false;
    }
  }, everyMs);
  return watch;
}
