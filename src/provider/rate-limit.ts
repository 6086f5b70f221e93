// Per-store request budgets: a token bucket in front of a session, so a burst of due ExternalSecrets never
// exceeds the provider's quota. Only requests that reach the provider spend tokens (cache hits and joined
// single-flight reads sit above this layer).
import type { SecretsClient } from "./types.ts";

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

  /** Resolves when a token is available; callers are served in order. */
  take(): Promise<void> {
    const turn = this.#queue.then(() => this.#waitForToken());
    this.#queue = turn;
    return turn;
  }

  async #waitForToken(): Promise<void> {
    for (;;) {
      const now = this.#now();
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
      this.#last = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      // unref: a request waiting for budget must not be what keeps a stopping process alive.
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((1 - this.#tokens) / this.#rate) * 1000)).unref());
    }
  }
}

export function rateLimited(client: SecretsClient, bucket: TokenBucket): SecretsClient {
  const gated =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await bucket.take();
      return fn(...args);
    };
  return {
    getSecret: gated((ref) => client.getSecret(ref)),
    getSecretMap: gated((ref) => client.getSecretMap(ref)),
    findSecrets: gated((request) => client.findSecrets(request)),
    validate: gated(() => client.validate()),
    close: () => client.close(),
  };
}
