// Parse trees reused across reconciles (they are immutable once built), least recently used first out,
// bounded by an estimate of the heap they hold rather than by count: one tree can be a few hundred bytes
// or tens of megabytes.
import type { TreeSet } from "./parser.ts";

/** Heap per token of a parsed template, rounded up from the worst we measured (~220 bytes for "{{.}}"
 *  repeated; 90-165 for realistic and parenthesised text). */
const BYTES_PER_TOKEN = 256;

/** What an entry is charged: its key (name and text, held by the map) and its trees. */
export const parseWeight = (key: string, tokens: number): number => key.length + tokens * BYTES_PER_TOKEN;

export class ParseCache {
  private readonly entries = new Map<string, { trees: TreeSet; weight: number }>();
  private total = 0;
  private readonly maxWeight: number;

  constructor(maxWeight: number) {
    this.maxWeight = maxWeight;
  }

  get(key: string): TreeSet | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    // Map order is insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit.trees;
  }

  set(key: string, trees: TreeSet, weight: number): void {
    if (weight > this.maxWeight || this.entries.has(key)) return;
    while (this.total + weight > this.maxWeight) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.total -= entry.weight;
    }
    this.entries.set(key, { trees, weight });
    this.total += weight;
  }

  /** Estimated bytes held, for tests and metrics. */
  get weight(): number {
    return this.total;
  }
}
