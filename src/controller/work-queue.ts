// De-duplicating, delaying, two-lane work queue with per-key backoff, with client-go's workqueue semantics.
import type { Logger } from "pino";
import { ExponentialBackoff } from "./backoff.ts";
import { monotonicNow, realClock } from "./clock.ts";
import type { Clock } from "./clock.ts";
import { silentLogger } from "./logging.ts";

/** Lanes: High (first syncs, spec changes) is always drained before Normal (periodic refreshes, retries). */
export const Priority = { High: "high", Normal: "normal" } as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

/** What `get()` hands to a worker; the worker must call `done(key)` when it has finished with it. */
export interface WorkItem {
  key: string;
  priority: Priority;
  /** How long the key waited in its lane (ready, not yet handed out), for queue-wait metrics. */
  waitedMs: number;
}

/** Options for {@link WorkQueue}; all optional, defaults are the real clock, a 1s..5min backoff and a silent logger. */
export interface WorkQueueOptions {
  clock?: Clock;
  backoff?: ExponentialBackoff;
  log?: Logger;
}

interface DelayedEntry {
  at: number;
  priority: Priority;
  timer: unknown;
}

function higher(a: Priority | undefined, b: Priority): Priority {
  return a === Priority.High || b === Priority.High ? Priority.High : Priority.Normal;
}

/**
 * Contract (client-go workqueue):
 * - a key is queued at most once; adding a queued key again only raises its priority;
 * - a key is handed to at most one worker at a time; a key added while being processed is queued
 *   again when `done(key)` is called (with the highest priority it was added with);
 * - High keys are handed out before Normal keys, FIFO within a lane;
 * - `addAfter` keeps the earliest pending deadline per key; when it falls due the key joins its lane;
 * - after `shutDown()`, adds are ignored, pending delays are dropped, queued keys are still handed
 *   out, and `get()` resolves `undefined` once nothing is queued. Workers that want to stop at once
 *   (Controller.stop) simply stop calling `get()`.
 */
export class WorkQueue {
  private readonly clock: Clock;
  private readonly backoff: ExponentialBackoff;
  private readonly log: Logger;
  private readonly high = new Set<string>(); // Sets keep insertion order: FIFO with O(1) removal on promotion
  private readonly normal = new Set<string>();
  private readonly active = new Set<string>();
  private readonly redo = new Map<string, Priority>();
  private readonly delayed = new Map<string, DelayedEntry>();
  private readonly readySince = new Map<string, number>();
  private waiters: Array<(item: WorkItem | undefined) => void> = [];
  private shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.backoff = opts.backoff ?? new ExponentialBackoff();
    this.log = opts.log ?? silentLogger();
  }

  add(key: string, priority: Priority = Priority.Normal): void {
    if (this.shuttingDown) return;
    this.enqueue(key, priority);
  }

  addAfter(key: string, delayMs: number, priority: Priority = Priority.Normal): void {
    if (this.shuttingDown) return;
    if (!(delayMs > 0)) {
      this.add(key, priority);
      return;
    }
    const at = monotonicNow(this.clock) + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) {
      // An earlier deadline already exists: a later request must not postpone it.
      existing.priority = higher(existing.priority, priority);
      return;
    }
    if (existing) this.clock.clearTimeout(existing.timer);
    const entry: DelayedEntry = { at, priority: higher(existing?.priority, priority), timer: undefined };
    entry.timer = this.clock.setTimeout(() => this.fire(key, entry), delayMs);
    this.delayed.set(key, entry);
  }

  /** Re-queues a failed key after its exponential backoff; `forget(key)` resets the backoff. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.backoff.next(key));
  }

  forget(key: string): void {
    this.backoff.forget(key);
  }

  /** Failures counted for `key` since its last `forget`; for logs and metrics. */
  retries(key: string): number {
    return this.backoff.failures(key);
  }

  get(): Promise<WorkItem | undefined> {
    const item = this.take();
    if (item) return Promise.resolve(item);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  done(key: string): void {
    if (!this.active.delete(key)) {
      this.log.debug({ key }, "work queue: done() for a key that was not being processed");
      return;
    }
    const again = this.redo.get(key);
    if (again === undefined) return;
    this.redo.delete(key);
    this.enqueue(key, again);
  }

  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const entry of this.delayed.values()) this.clock.clearTimeout(entry.timer);
    this.delayed.clear();
    // Waiters only exist while nothing is queued, so every one of them is told "no more work".
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve(undefined);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Keys queued and ready to be handed out (not the ones being processed or waiting on a delay). */
  len(): number {
    return this.high.size + this.normal.size;
  }

  processing(): number {
    return this.active.size;
  }

  waitingDelayed(): number {
    return this.delayed.size;
  }

  // Shared by add() and done(): done() must be able to re-queue after shutDown, like client-go.
  private enqueue(key: string, priority: Priority): void {
    if (this.active.has(key)) {
      this.redo.set(key, higher(this.redo.get(key), priority));
      return;
    }
    if (this.high.has(key)) return;
    if (this.normal.has(key)) {
      if (priority !== Priority.High) return;
      this.normal.delete(key); // promotion: a spec change overtakes the queued refresh
    }
    (priority === Priority.High ? this.high : this.normal).add(key);
    if (!this.readySince.has(key)) this.readySince.set(key, monotonicNow(this.clock));
    this.dispatch();
  }

  private fire(key: string, entry: DelayedEntry): void {
    if (this.delayed.get(key) !== entry) return;
    this.delayed.delete(key);
    this.add(key, entry.priority);
  }

  private take(): WorkItem | undefined {
    const priority = this.high.size > 0 ? Priority.High : this.normal.size > 0 ? Priority.Normal : undefined;
    if (priority === undefined) return undefined;
    const lane = priority === Priority.High ? this.high : this.normal;
    const key = lane.values().next().value as string;
    lane.delete(key);
    this.active.add(key);
    const waitedMs = monotonicNow(this.clock) - (this.readySince.get(key) ?? monotonicNow(this.clock));
    this.readySince.delete(key);
    return { key, priority, waitedMs };
  }

  private dispatch(): void {
    while (this.waiters.length > 0) {
      const item = this.take();
      if (!item) return;
      const resolve = this.waiters.shift();
      resolve?.(item);
    }
  }
}
