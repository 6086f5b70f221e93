// Summarises a V8 heap snapshot (.heapsnapshot, e.g. from `node --heapsnapshot-signal` or v8.writeHeapSnapshot):
// self size by node type and by constructor/name, to compare two snapshots of the operator (issue 22). Usage:
//   node test/bench/benchmark/heap-top.ts A.heapsnapshot [B.heapsnapshot] [--top 15]
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  totalBytes: number;
  byType: Map<string, number>;
  byName: Map<string, number>;
}

export function summariseHeap(snapshot: Snapshot): HeapSummary {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const byType = new Map<string, number>();
  const byName = new Map<string, number>();
  let totalBytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const size = snapshot.nodes[i + sizeAt]!;
    totalBytes += size;
    byType.set(type, (byType.get(type) ?? 0) + size);
    // Objects by constructor; code, strings and arrays by their type (their "names" are their contents).
    const name = type === "object" || type === "closure" ? `${type} ${snapshot.strings[snapshot.nodes[i + nameAt]!]}` : `(${type})`;
    byName.set(name, (byName.get(name) ?? 0) + size);
  }
  return { totalBytes, byType, byName };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(2);

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith("--") && all[i - 1] !== "--top");
  const topAt = process.argv.indexOf("--top");
  const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 15;
  const summaries = files.map((file) => summariseHeap(JSON.parse(readFileSync(file, "utf8")) as Snapshot));
  console.log(`total MiB: ${summaries.map((s) => mib(s.totalBytes)).join(" -> ")}`);
  for (const [title, key] of [["by node type", "byType"], ["by constructor or type", "byName"]] as const) {
    console.log(`\n${title} (MiB${summaries.length > 1 ? ", first -> second" : ""}):`);
    const names = [...new Set(summaries.flatMap((s) => [...s[key].keys()]))];
    const weight = (name: string) => Math.max(...summaries.map((s) => s[key].get(name) ?? 0));
    for (const name of names.sort((a, b) => weight(b) - weight(a)).slice(0, top)) {
      console.log(`  ${summaries.map((s) => mib(s[key].get(name) ?? 0).padStart(7)).join(" -> ")}  ${name}`);
    }
  }
}
