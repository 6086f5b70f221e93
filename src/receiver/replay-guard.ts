// Remembers delivery ids (X-GitHub-Delivery, X-Gitlab-Event-UUID, X-Delivery-Id) for a while, so a captured call
// sent again is refused. Bounded twice: entries expire after `ttlMs`, and past `maxEntries` the oldest go first
// (a flood of distinct ids can only make the guard forget early, never grow memory).

export class ReplayGuard {
  readonly #seen = new Map<string, number>(); // id -> expiry; insertion order = age
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(opts: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = opts.ttlMs;
    this.#maxEntries = opts.maxEntries;
    this.#now = opts.now ?? Date.now;
  }

  /** Whether `id` was remembered and has not expired. */
  seen(id: string): boolean {
    this.#expire();
    return this.#seen.has(id);
  }

  remember(id: string): void {
    this.#expire();
    this.#seen.delete(id);
    this.#seen.set(id, this.#now() + this.#ttlMs);
    for (const oldest of this.#seen.keys()) {
      if (this.#seen.size <= this.#maxEntries) break;
      this.#seen.delete(oldest);
    }
  }

  size(): number {
    return this.#seen.size;
  }

  #expire(): void {
    const now = this.#now();
    for (const [id, expiry] of this.#seen) {
      if (expiry > now) break; // entries expire in insertion order: the first live one ends the sweep
      this.#seen.delete(id);
    }
  }
}
