// Compiled patterns by source, so the patterns every reconcile and render repeats are parsed and compiled
// once. Bounded, since tenants choose the patterns: by count, and by weight (program instructions plus
// pattern length), because a short pattern can compile to a large program (alternatives of `x{1000}`
// reach a million instructions, about 70 MiB) and a cache bounded by count alone could hold hundreds.
// Written by hand: an LRU by insertion order is a few lines, and the weight is the part that matters.

export interface CompileCacheOptions {
  maxEntries: number;
  /** Upper bound of the summed weights; an entry heavier than a quarter of it is never kept. */
  maxWeight: number;
}

export class CompileCache<T> {
  readonly #entries = new Map<string, { value: T; weight: number }>(); // insertion order = recency
  readonly #opts: CompileCacheOptions;
  #weight = 0;

  constructor(opts: CompileCacheOptions) {
    this.#opts = opts;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached value for `key`, or `build(key)` (kept if light enough). `build`'s errors are not cached. */
  get(key: string, build: (key: string) => T, weigh: (value: T) => number): T {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value;
    }
    const value = build(key);
    const weight = weigh(value) + key.length;
    if (weight > this.#opts.maxWeight / 4) return value;
    this.#entries.set(key, { value, weight });
    this.#weight += weight;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#opts.maxEntries && this.#weight <= this.#opts.maxWeight) break;
      this.#entries.delete(oldest);
      this.#weight -= entry.weight;
    }
    return value;
  }
}
