// Shares fetches inside a session: requests for the same id within `ttlMs` reuse one result (so ExternalSecrets
// due in the same window, and one ExternalSecret's entries on one key, cost one call), and distinct ids
// requested within `windowMs` go out together, up to `maxBatch` per call (BatchGetSecretValue, GetParameters).
import { ProviderUnavailableError } from "../../src/provider/errors.ts";

/** How long a fetched value is shared with other requests for the same secret (the shared-fetch window). */
export const SHARED_FETCH_TTL_MS = 5_000;
/** How long distinct reads wait for company before going out as one batch call. */
export const BATCH_WINDOW_MS = 20;

/** Sends one call for `ids` and answers every id with a value or an error (typed provider errors). */
export type BatchFetch<T> = (ids: string[]) => Promise<Map<string, T | Error>>;

export interface BatcherOptions<T> {
  fetch: BatchFetch<T>;
  windowMs: number;
  maxBatch: number;
  ttlMs: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

export class Batcher<T> {
  readonly #opts: Required<BatcherOptions<T>>;
  readonly #cache = new Map<string, { value: T; until: number }>();
  readonly #pending = new Map<string, Promise<T>>();
  #queue = new Map<string, Waiter<T>>();
  #timer = false;

  constructor(opts: BatcherOptions<T>) {
    this.#opts = { now: Date.now, setTimer: (fn, ms) => setTimeout(fn, ms), ...opts };
  }

  /** The value for `id`: cached, in flight, or queued for the next batch. */
  get(id: string): Promise<T> {
    const cached = this.#cache.get(id);
    if (cached && this.#opts.now() < cached.until) return Promise.resolve(cached.value);
    if (cached) this.#cache.delete(id);
    const pending = this.#pending.get(id);
    if (pending) return pending;
    const promise = new Promise<T>((resolve, reject) => this.#queue.set(id, { resolve, reject }));
    this.#pending.set(id, promise);
    // Callers that share the promise handle its rejection; this keeps an unobserved one from crashing.
    promise.catch(() => {});
    if (this.#queue.size >= this.#opts.maxBatch) this.#flush();
    else if (!this.#timer) {
      this.#timer = true;
      this.#opts.setTimer(() => this.#flush(), this.#opts.windowMs);
    }
    return promise;
  }

  /** How many values are cached (expired ones are dropped at the next call). */
  cachedCount(): number {
    return this.#cache.size;
  }

  /** Drops every cached value (e.g. the credentials changed). */
  clear(): void {
    this.#cache.clear();
  }

  #flush(): void {
    this.#timer = false;
    const batch = this.#queue;
    this.#queue = new Map();
    if (batch.size === 0) return;
    void this.#send(batch);
    // A full batch flushed early may leave a timer running for later ids; an empty flush is a no-op.
  }

  async #send(batch: Map<string, Waiter<T>>): Promise<void> {
    const ids = [...batch.keys()];
    let results: Map<string, T | Error>;
    try {
      results = await this.#opts.fetch(ids);
    } catch (err) {
      results = new Map(ids.map((id) => [id, err instanceof Error ? err : new ProviderUnavailableError("batch call failed")]));
    }
    const doneAt = this.#opts.now();
    // Values are secrets: do not keep expired ones around until their id happens to be asked for again.
    for (const [id, entry] of this.#cache) if (entry.until <= doneAt) this.#cache.delete(id);
    for (const [id, waiter] of batch) {
      this.#pending.delete(id);
      const result = results.has(id) ? results.get(id)! : new ProviderUnavailableError(`the batch answered nothing for ${id}`);
      if (result instanceof Error) waiter.reject(result);
      else {
        if (this.#opts.ttlMs > 0) this.#cache.set(id, { value: result, until: doneAt + this.#opts.ttlMs });
        waiter.resolve(result);
      }
    }
  }
}
