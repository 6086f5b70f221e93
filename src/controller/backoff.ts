// Per-key exponential backoff: how long a failing key waits before its next attempt.

/** Options for {@link ExponentialBackoff}. */
export interface BackoffOptions {
  /** Delay after the first failure, in ms. Default 1000. */
  baseMs?: number;
  /** Upper bound for any delay, in ms. Default 300000 (5 min), as controller-runtime's default limiter caps at 1000s. */
  maxMs?: number;
}

/**
 * Contract: `next(key)` returns `baseMs * 2^failures(key)` capped at `maxMs`, then counts one more
 * failure for the key; `forget(key)` resets it (call it on success, or when a terminal error means
 * retrying is pointless). Keys are independent. Memory is one number per failing key, released by
 * `forget`, so callers must forget keys of deleted objects (the controller does so on success and
 * on terminal errors).
 */
export class ExponentialBackoff {
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly counts = new Map<string, number>();

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = nonNegative(opts.baseMs, 1000);
    this.maxMs = Math.max(this.baseMs, nonNegative(opts.maxMs, 300_000));
  }

  next(key: string): number {
    const failures = this.counts.get(key) ?? 0;
    this.counts.set(key, failures + 1);
    // 2^failures overflows to Infinity after ~1024 failures; Math.min then yields maxMs, which is what we want.
    return Math.min(this.baseMs * 2 ** failures, this.maxMs);
  }

  failures(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  forget(key: string): void {
    this.counts.delete(key);
  }
}

function nonNegative(value: number | undefined, fallback: number): number {
  if (value === undefined || !Number.isFinite(value) || value < 0) return fallback;
  return value;
}
