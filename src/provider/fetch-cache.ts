// A short-lived cache of provider reads, shared by every reconcile of one session, so ExternalSecrets that
// come due in the same window cost one provider call. Bounded by bytes (LRU): a tenant pointing at huge
// secrets cannot exhaust memory. Keys always start with the session key (store identity, spec and
// credentials namespace), so entries are never shared across credentials or tenants. Errors are not cached.
// Written by hand: lru-cache would do the eviction, but the byte accounting over maps of values and the
// per-session invalidation are the parts that matter here, and they are a few lines.

export interface FetchCacheOptions {
  /** How long a read stays fresh; 0 disables the cache. */
  ttlMs: number;
  /** Upper bound of cached value bytes across all sessions. */
  maxBytes: number;
  /** Default: monotonic (performance.now): a wall clock set back must not make every cached read look fresh. */
  now?: () => number;
}

type Value = Uint8Array | Record<string, Uint8Array>;

interface Entry {
  value: Value;
  bytes: number;
  fetchedAt: number;
}

function sizeOf(value: Value): number {
  if (value instanceof Uint8Array) return value.byteLength + 64;
  let bytes = 64;
  for (const [key, item] of Object.entries(value)) bytes += key.length * 2 + item.byteLength + 32;
  return bytes;
}

export class FetchCache {
  readonly #entries = new Map<string, Entry>(); // insertion order = recency (re-inserted on hit)
  readonly #opts: Required<FetchCacheOptions>;
  #bytes = 0;

  constructor(opts: FetchCacheOptions) {
    this.#opts = { now: () => performance.now(), ...opts };
  }

  /** The cached read, if it is younger than both `maxAgeMs` (the caller's tolerance) and the cache's TTL. */
  get<T extends Value>(key: string, maxAgeMs = Infinity): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const age = this.#opts.now() - entry.fetchedAt;
    if (age >= this.#opts.ttlMs) {
      this.#delete(key, entry);
      return undefined;
    }
    if (age > maxAgeMs) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value as T;
  }

  set(key: string, value: Value): void {
    if (this.#opts.ttlMs <= 0) return;
    const bytes = sizeOf(value);
    if (bytes > this.#opts.maxBytes) return; // never evict everything for one oversized value
    const old = this.#entries.get(key);
    if (old) this.#delete(key, old);
    this.#entries.set(key, { value, bytes, fetchedAt: this.#opts.now() });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#opts.maxBytes) break;
      this.#delete(oldest, entry);
    }
  }

  /** Drops every entry whose key starts with `prefix` (a session that closed). */
  dropPrefix(prefix: string): void {
    for (const [key, entry] of this.#entries) if (key.startsWith(prefix)) this.#delete(key, entry);
  }

  bytes(): number {
    return this.#bytes;
  }

  size(): number {
    return this.#entries.size;
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
