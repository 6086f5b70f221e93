// Concurrent identical calls share one promise: ExternalSecrets reconciled together that need the same
// remote key cause one provider call. (A time-windowed cache on top of this belongs to the fetch layer.)

export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  /** `onShared` tells whether this call joined an identical one in flight (for metrics). */
  do(key: string, fn: () => Promise<T>, onShared?: (shared: boolean) => void): Promise<T> {
    const existing = this.#inFlight.get(key);
    onShared?.(existing !== undefined);
    if (existing) return existing;
    const promise = fn().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }

  size(): number {
    return this.#inFlight.size;
  }
}
