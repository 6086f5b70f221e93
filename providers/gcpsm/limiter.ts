// Bounds the requests one session has in flight. Not a lock: up to `max` requests run at once, so
// ExternalSecrets on one store proceed in parallel (ESO serialises every GCP call behind one mutex).

export class Limiter {
  readonly #max: number;
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing request hands its slot straight to the next waiter, so `active` never exceeds `max`.
    if (this.#active >= this.#max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  /** Requests running now (for tests and debugging). */
  get active(): number {
    return this.#active;
  }
}
