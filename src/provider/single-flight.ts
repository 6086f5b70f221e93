// Concurrent identical calls share one promise: ExternalSecrets reconciled together that need the same
// remote key cause one provider call. (A time-windowed cache on top of this belongs to the fetch layer.)

export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  do(key: string, fn: () => Promise<T>): Promise<T> {
    const existing = this.#inFlight.get(key);
    if (existing) return existing;
    const promise = fn().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, promise);
    return promise;
  }

  size(): number {
    return this.#inFlight.size;
  }
}
