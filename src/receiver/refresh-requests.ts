// Refreshes asked for by verified webhook calls, per ExternalSecret key, with the moment they were asked. The
// ExternalSecret reconciler takes the request when it runs: it syncs even when not due, and accepts only provider
// reads made after that moment (so the read cache is bypassed for exactly these ExternalSecrets' keys, while
// several ExternalSecrets refreshed by one call still share one read).

export class RefreshRequests {
  readonly #asked = new Map<string, number>();

  /** Records a request for `key` at `atMs` (a later request moves the moment forward). */
  request(key: string, atMs: number): void {
    this.#asked.set(key, Math.max(atMs, this.#asked.get(key) ?? 0));
  }

  /** The moment a refresh of `key` was asked for, if one is pending; the request is consumed. */
  take(key: string): number | undefined {
    const at = this.#asked.get(key);
    this.#asked.delete(key);
    return at;
  }

  pending(): number {
    return this.#asked.size;
  }
}
