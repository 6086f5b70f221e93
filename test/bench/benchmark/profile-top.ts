// Summarises a V8 CPU profile (.cpuprofile, from `npm run bench -- --cpu-prof DIR`): where the operator's time went,
// as self time by function and by module/package, with idle and GC apart. Usage:
//   node test/bench/benchmark/profile-top.ts FILE.cpuprofile [--top 15]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  gcMs: number;
  byFunction: Array<{ name: string; ms: number }>;
  byModule: Array<{ name: string; ms: number }>;
}

/** node_modules/<package> for dependencies, the repository-relative file for ours, the V8 pseudo-frames as they are. */
function moduleOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  const inModules = url.split("node_modules/").at(-1)!;
  if (inModules !== url) return inModules.startsWith("@") ? inModules.split("/").slice(0, 2).join("/") : inModules.split("/")[0]!;
  if (url.startsWith("node:")) return url;
  const ours = url.match(/\/(src|providers|dist)\/(.*)$/);
  return ours ? `${ours[1]}/${ours[2]}` : url;
}

export function summarise(profile: Profile, top = 15): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  let gcMs = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
    totalMs += ms;
    if (functionName === "(idle)") idleMs += ms;
    if (functionName === "(garbage collector)") gcMs += ms;
    const module = moduleOf(url, functionName);
    const name = `${functionName || "(anonymous)"} ${module}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byModule.set(module, (byModule.get(module) ?? 0) + ms);
  }
  const sorted = (map: Map<string, number>) => [...map].map(([name, ms]) => ({ name, ms })).filter((e) => e.name !== "(idle)" && !e.name.startsWith("(idle)")).sort((a, b) => b.ms - a.ms).slice(0, top);
  return { totalMs, idleMs, gcMs, byFunction: sorted(byFunction), byModule: sorted(byModule) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error("usage: profile-top.ts FILE.cpuprofile [--top N]");
  const topAt = process.argv.indexOf("--top");
  const summary = summarise(JSON.parse(readFileSync(file, "utf8")) as Profile, topAt > 0 ? Number(process.argv[topAt + 1]) : 15);
  const busy = summary.totalMs - summary.idleMs;
  const pct = (ms: number) => `${((100 * ms) / busy).toFixed(1)}%`;
  console.log(`profile ${(summary.totalMs / 1000).toFixed(1)} s, idle ${((100 * summary.idleMs) / summary.totalMs).toFixed(0)}%, busy ${(busy / 1000).toFixed(1)} s (GC ${pct(summary.gcMs)} of busy)`);
  console.log("\nself time by module (share of busy):");
  for (const e of summary.byModule) console.log(`  ${pct(e.ms).padStart(6)}  ${(e.ms / 1000).toFixed(2).padStart(6)} s  ${e.name}`);
  console.log("\nself time by function (share of busy):");
  for (const e of summary.byFunction) console.log(`  ${pct(e.ms).padStart(6)}  ${(e.ms / 1000).toFixed(2).padStart(6)} s  ${e.name}`);
}
