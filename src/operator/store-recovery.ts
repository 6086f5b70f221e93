// Recovery after a provider outage without waiting out the backoff: ExternalSecrets that failed because a
// provider was unavailable back off exponentially (up to minutes), so after it returns most would stay
// Ready=False for a long time. Two things end that early:
// - the first answer the provider itself gives again (a read that succeeds, or a refusal: anything but
//   "unavailable", seen below the cache and the budget) wakes the ExternalSecrets the outage failed on that store
//   at once. Their reads of one key share one fetch, whether they run together or one after another through the
//   workers (`recoveredAt`: any read made since the return is as fresh as they need): about one read per key;
// - while a store has such ExternalSecrets, one of them is retried every `probeMs` (a probe: one call per store,
//   whatever the backoff), so the provider's return is noticed within that time.
// A store wakes everything at most once per `probeMs`, so a provider answering only some calls cannot turn its
// successes into a retry storm. Measured by the provider-outage fault scenario (test/faults/provider-outage.ts).
import { monotonicNow, type Clock } from "../controller/clock.ts";

/** A store as sessions key it: `<kind>/<namespace or empty for a ClusterSecretStore>/<name>`. */
export type StoreKey = string;

interface Waiting {
  keys: Set<string>;
  probe: unknown;
}

export class StoreRecovery {
  /** Store -> ExternalSecret keys whose last sync through it failed with the provider unavailable. */
  readonly #failing = new Map<StoreKey, Waiting>();
  /** ExternalSecret key -> the stores it is counted under (to forget it when it syncs or is deleted). */
  readonly #stores = new Map<string, StoreKey[]>();
  /** When each store last woke its ExternalSecrets (one number per store that ever recovered; monotonic). */
  readonly #lastWake = new Map<StoreKey, number>();
  readonly #wake: (esKeys: string[]) => void;
  readonly #clock: Clock;
  readonly #probeMs: number;

  constructor(wake: (esKeys: string[]) => void, opts: { clock: Clock; probeMs?: number }) {
    this.#wake = wake;
    this.#clock = opts.clock;
    this.#probeMs = opts.probeMs ?? 5000;
  }

  /** A sync of `esKey` through `stores` ended: synced, or failed because the provider was unavailable. */
  synced(esKey: string, stores: StoreKey[], ok: boolean): void {
    this.forget(esKey);
    if (ok) return;
    for (const store of stores) {
      let waiting = this.#failing.get(store);
      if (!waiting) {
        waiting = { keys: new Set(), probe: this.#clock.setTimeout(() => this.#probe(store), this.#probeMs) };
        this.#failing.set(store, waiting);
      }
      waiting.keys.add(esKey);
    }
    this.#stores.set(esKey, stores);
  }

  /** The provider behind `store` answered a call (`available`), or was unavailable. */
  providerAnswered(store: StoreKey, available: boolean): void {
    if (!available || !this.#failing.has(store)) return;
    const now = monotonicNow(this.#clock);
    if (now - (this.#lastWake.get(store) ?? -Infinity) < this.#probeMs) return;
    this.#lastWake.set(store, now);
    const woken = [...this.#failing.get(store)!.keys];
    for (const key of woken) this.forget(key);
    this.#wake(woken);
  }

  /**
   * When (monotonic) the store last came back and woke the ExternalSecrets it had failed, or undefined. Those
   * ExternalSecrets may take any read made since then: before this, 1,000 of them woken after a 10-minute outage
   * went through the workers eight at a time and read their 100 keys 495 times.
   */
  recoveredAt(store: StoreKey): number | undefined {
    return this.#lastWake.get(store);
  }

  /** The ExternalSecret is gone (or synced): it is no longer waiting for any store. */
  forget(esKey: string): void {
    for (const store of this.#stores.get(esKey) ?? []) {
      const waiting = this.#failing.get(store);
      waiting?.keys.delete(esKey);
      if (waiting?.keys.size === 0) {
        this.#clock.clearTimeout(waiting.probe);
        this.#failing.delete(store);
      }
    }
    this.#stores.delete(esKey);
  }

  /** ExternalSecrets waiting for a store to come back (for tests and metrics). */
  waiting(): number {
    return this.#stores.size;
  }

  /** Stops the probes (shutdown). */
  stop(): void {
    for (const waiting of this.#failing.values()) this.#clock.clearTimeout(waiting.probe);
    this.#failing.clear();
    this.#stores.clear();
  }

  /** Retries one of the store's failed ExternalSecrets (its sync says whether the provider is back), then again later. */
  #probe(store: StoreKey): void {
    const waiting = this.#failing.get(store);
    if (!waiting) return;
    const [first] = waiting.keys;
    waiting.probe = this.#clock.setTimeout(() => this.#probe(store), this.#probeMs);
    if (first !== undefined) this.#wake([first]);
  }
}
