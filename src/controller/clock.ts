// Time source for the controller machinery, so queues, informers and leader election are testable without sleeping.

/**
 * Contract: `now()` is milliseconds on a monotonic-enough wall clock (Date.now semantics).
 * `setTimeout` schedules `fn` once after `ms` (negative treated as 0) and returns an opaque
 * handle that only this clock's `clearTimeout` understands. Clearing an already-fired or unknown
 * handle is a no-op. Callbacks must not throw; the clock does not catch for them.
 */
export interface Clock {
  now(): number;
  /**
   * Milliseconds on a clock that never jumps (performance.now semantics: only differences mean anything), for
   * durations that must not stretch or shrink when the wall clock is set back or forward: lease expiry, renew
   * deadlines, cache ages. Absent (test clocks): now() is used, which those clocks never jump.
   */
  monotonic?(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The clock's monotonic reading, or its now() where it has none. */
export const monotonicNow = (clock: Clock): number => clock.monotonic?.() ?? clock.now();

// Node fires timers longer than 2^31-1 ms (~24.8 days) after 1 ms; a long requeueAfter would become a hot loop.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface RealTimer {
  inner: ReturnType<typeof setTimeout> | undefined;
}

function scheduleReal(timer: RealTimer, fn: () => void, deadline: number): void {
  const remaining = Math.max(0, deadline - Date.now());
  const step = Math.min(remaining, MAX_TIMER_MS);
  timer.inner = setTimeout(() => (step < remaining ? scheduleReal(timer, fn, deadline) : fn()), step);
}

/** The process clock. Timers keep the event loop alive; owners clear them on stop/shutDown. Long delays are chained. */
export const realClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => {
    const timer: RealTimer = { inner: undefined };
    scheduleReal(timer, fn, Date.now() + (Number.isFinite(ms) ? Math.max(0, ms) : ms > 0 ? Number.MAX_SAFE_INTEGER : 0));
    return timer;
  },
  clearTimeout: (handle) => {
    const timer = handle as RealTimer | undefined;
    if (timer && typeof timer === "object" && "inner" in timer) clearTimeout(timer.inner);
  },
};

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A manual clock for tests. Time only moves in `advance`, which fires due timers one at a time in
 * deadline order (ties: scheduling order), setting `now()` to each timer's deadline before it runs,
 * so a timer scheduled by a fired timer inside the window also fires in the same `advance`.
 * Callbacks run synchronously; async work they start needs the test to yield afterwards.
 */
export class FakeClock implements Clock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = 1_700_000_000_000) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    this.timers.set(id, { id, at: this.current + delay, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === "number") this.timers.delete(handle);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (;;) {
      const due = this.earliestDue(target);
      if (!due) break;
      this.timers.delete(due.id);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  pending(): number {
    return this.timers.size;
  }

  private earliestDue(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.at > target) continue;
      // Map iteration follows insertion order, which is id order: strict < keeps FIFO on ties.
      if (!best || timer.at < best.at) best = timer;
    }
    return best;
  }
}
