// Recovery after a provider outage without waiting out the backoff: ExternalSecrets that failed because a
// provider was unavailable back off exponentially (up to minutes), so after it returns most would stay
// Ready=False for a long time. The first answer the provider itself gives again (a read that succeeds, or a
// refusal: anything but "unavailable", seen below the cache and the budget) proves it is back; the ExternalSecrets
// the outage failed on that store are then woken at once. They run together, so their reads of one key share
// one fetch: the return costs about one read per key, not a herd. A store is woken at most once per
// `minWakeIntervalMs`, so a provider that answers only some calls cannot turn its successes into a retry storm.
// Measured by the provider-outage fault scenario (test/faults/provider-outage.ts).

/** A store as sessions key it: `<kind>/<namespace or empty for a ClusterSecretStore>/<name>`. */
export type StoreKey = string;

export class StoreRecovery {
  /** Store -> ExternalSecret keys whose last sync through it failed with the provider unavailable. */
  readonly #failing = new Map<StoreKey, Set<string>>();
  /** ExternalSecret key -> the stores it is counted under (to forget it when it syncs or is deleted). */
  readonly #stores = new Map<string, StoreKey[]>();
  /** When each store last woke its ExternalSecrets (one number per store that ever recovered). */
  readonly #lastWake = new Map<StoreKey, number>();
  readonly #wake: (esKeys: string[]) => void;
  readonly #now: () => number;
  readonly #minWakeIntervalMs: number;

  constructor(wake: (esKeys: string[]) => void, opts: { now?: () => number; minWakeIntervalMs?: number } = {}) {
    this.#wake = wake;
    this.#now = opts.now ?? Date.now;
    this.#minWakeIntervalMs = opts.minWakeIntervalMs ?? 5000;
  }

  /** A sync of `esKey` through `stores` ended: synced, or failed because the provider was unavailable. */
  synced(esKey: string, stores: StoreKey[], ok: boolean): void {
    this.forget(esKey);
    if (ok) return;
    for (const store of stores) {
      const failing = this.#failing.get(store) ?? new Set<string>();
      failing.add(esKey);
      this.#failing.set(store, failing);
    }
    this.#stores.set(esKey, stores);
  }

  /** The provider behind `store` answered a call (`available`), or was unavailable. */
  providerAnswered(store: StoreKey, available: boolean): void {
    if (!available) return;
    const failing = this.#failing.get(store);
    if (!failing || failing.size === 0) return;
    const now = this.#now();
    if (now - (this.#lastWake.get(store) ?? -Infinity) < this.#minWakeIntervalMs) return;
    this.#lastWake.set(store, now);
    const woken = [...failing];
    for (const key of woken) this.forget(key);
    this.#wake(woken);
  }

  /** The ExternalSecret is gone (or synced): it is no longer waiting for any store. */
  forget(esKey: string): void {
    for (const store of this.#stores.get(esKey) ?? []) {
      const failing = this.#failing.get(store);
      failing?.delete(esKey);
      if (failing?.size === 0) this.#failing.delete(store);
    }
    this.#stores.delete(esKey);
  }

  /** ExternalSecrets waiting for a store to come back (for tests and metrics). */
  waiting(): number {
    return this.#stores.size;
  }
}
