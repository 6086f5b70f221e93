// A token bucket: requests per second with a burst. Used for per-store provider budgets (waiting callers,
// served in order) and for the Normal Event budget (tryTake: skip when empty).

export interface RateLimit {
  requestsPerSecond: number;
  burst?: number | undefined;
}

export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#rate = limit.requestsPerSecond;
    this.#burst = Math.max(1, limit.burst ?? Math.ceil(limit.requestsPerSecond));
    this.#now = now;
    this.#tokens = this.#burst;
    this.#last = now();
  }

  /** Takes a token if one is available now (no waiting, no queue): for work that may be skipped. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
  }

  /** Resolves when a token is available; callers are served in order. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForToken());
    this.#queue = turn;
    return turn;
  }

  async #waitForToken(): Promise<void> {
    for (;;) {
      this.#refill();
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      // unref: a request waiting for budget must not be what keeps a stopping process alive.
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.#tokens) / this.#rate) * 1000)).unref());
    }
  }
}
