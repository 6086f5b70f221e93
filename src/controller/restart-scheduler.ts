// When a ResilientInformer restarts its upstream: after a jittered backoff on errors, at once when the watch has gone silent.
import type { ExponentialBackoff } from "./backoff.ts";
import { monotonicNow, type Clock } from "./clock.ts";
import { jittered } from "./jitter.ts";

export type RestartReason = "error" | "stale";

/** Options for {@link RestartScheduler}. */
export interface RestartSchedulerOptions {
  clock: Clock;
  backoff: ExponentialBackoff;
  /** Backoff key (the informer's name). */
  key: string;
  staleAfterMs: number;
  /** A run that lasted this long before failing resets the backoff (client-go's reflector: 2 min). */
  resetAfterMs: number;
  /** Upward jitter fraction on error delays, so informers hit by the same outage do not relist in lockstep. Default 0.2. */
  jitter?: number;
  random?: () => number;
  /** Called from a timer when it is time to restart; the owner stops the old run and starts a new one. */
  restart: (reason: RestartReason) => void;
}

/**
 * Contract: the owner calls `runStarted()` whenever it (re)starts the upstream, `touch()` on every
 * sign of life, `failed()` when the run reports an error, and `cancel()` on stop. The scheduler then
 * calls `restart` exactly once per run: "error" after backoff (1s, 2s, ... jittered, reset after a
 * healthy run), or "stale" as soon as no sign of life was seen for `staleAfterMs` (no backoff: the
 * silence window already throttles). No timers remain after `cancel()`.
 */
export class RestartScheduler {
  private readonly opts: RestartSchedulerOptions;
  private lastActivity = 0;
  private runStartedAt = 0;
  private staleTimer: unknown;
  private retryTimer: unknown;

  constructor(opts: RestartSchedulerOptions) {
    this.opts = opts;
  }

  runStarted(): void {
    this.cancel();
    this.runStartedAt = this.lastActivity = monotonicNow(this.opts.clock);
    this.armStale(this.opts.staleAfterMs);
  }

  touch(): void {
    this.lastActivity = monotonicNow(this.opts.clock);
  }

  /** Milliseconds since the last sign of life. */
  idleMs(): number {
    return monotonicNow(this.opts.clock) - this.lastActivity;
  }

  /** Schedules an "error" restart and returns its delay. Further calls before the restart are ignored (returns 0). */
  failed(): number {
    const { clock, backoff, key } = this.opts;
    if (this.retryTimer !== undefined) return 0;
    this.clearStale();
    if (monotonicNow(clock) - this.runStartedAt >= this.opts.resetAfterMs) backoff.forget(key);
    const delayMs = jittered(backoff.next(key), this.opts.jitter ?? 0.2, this.opts.random);
    this.retryTimer = clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.opts.restart("error");
    }, delayMs);
    return delayMs;
  }

  cancel(): void {
    this.clearStale();
    if (this.retryTimer !== undefined) this.opts.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private checkStale(): void {
    this.staleTimer = undefined;
    const idle = this.idleMs();
    if (idle < this.opts.staleAfterMs) {
      this.armStale(this.opts.staleAfterMs - idle);
      return;
    }
    this.opts.restart("stale");
  }

  // One timer re-armed lazily on expiry, so touch() stays a field write on the hot event path.
  private armStale(ms: number): void {
    this.staleTimer = this.opts.clock.setTimeout(() => this.checkStale(), ms);
  }

  private clearStale(): void {
    if (this.staleTimer !== undefined) this.opts.clock.clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
  }
}
