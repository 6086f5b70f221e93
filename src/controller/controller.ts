// The reconcile loop: N workers take keys from a WorkQueue, call reconcile, and requeue by outcome.
import type { Logger } from "pino";
import { errorMessage, silentLogger } from "./logging.ts";
import type { WorkQueue } from "./work-queue.ts";

/**
 * A reconcile failure that retrying cannot fix (e.g. an invalid spec). The controller forgets the
 * key's backoff and does not requeue it; the next change of the object (an informer event) brings
 * it back. Put a value-free description in `safeMessage` when `message` may contain data.
 */
export class TerminalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TerminalError";
  }
}

/**
 * What reconcile returns: `requeueAfterMs` schedules the next run of the key (e.g. a refresh). `finishing` is the
 * reconcile's last writes (a status patch), already sent: the worker takes the next key while they are in flight,
 * and this key stays in progress (no second reconcile of it, no requeue) until they settle; their failure is the
 * reconcile's (retried with backoff). Pipelining them halves a worker's time per new ExternalSecret (issue 22).
 */
export type ReconcileResult = { requeueAfterMs?: number; finishing?: Promise<void> } | void;

export type ReconcileOutcome = "ok" | "error" | "terminal";

/** Options for {@link Controller}. */
export interface ControllerOptions {
  /** Used in logs only. */
  name: string;
  /** The controller owns the queue's lifetime: `stop()` shuts it down. */
  queue: WorkQueue;
  /**
   * Converges the object named by `key`. Must be level-based (read current state, never rely on
   * which event queued the key). Throw TerminalError for "do not retry", anything else to retry
   * with backoff. Never called twice at once for the same key.
   */
  reconcile: (key: string) => Promise<ReconcileResult>;
  /** Parallel workers. Default 4. */
  workers?: number;
  log?: Logger;
  /** Metrics hook, called once per reconcile; exceptions it throws are logged and swallowed. */
  onResult?: (key: string, outcome: ReconcileOutcome, durationMs: number) => void;
  /** Metrics hook: how long a key waited in the queue before a worker took it, by priority lane. */
  onDequeue?: (priority: string, waitedMs: number) => void;
  /**
   * Work split across replicas (automatic shards): a key this replica may not work now is dropped unreconciled
   * (whoever works it has it queued; this replica queues it again when it takes the key over). Otherwise the
   * returned function is called when the reconcile is over, so a handover can wait for work in flight.
   */
  gate?: { enter(key: string): (() => void) | undefined };
}

/**
 * Contract: `start()` launches the workers once (later calls are no-ops). `stop()` stops handing
 * out keys, waits for in-flight reconciles to finish, and resolves; keys still queued are dropped,
 * which is safe because reconcile is level-based and the next leader or start relists everything.
 */
export class Controller {
  private readonly opts: ControllerOptions;
  private readonly log: Logger;
  private readonly workerCount: number;
  private workers: Promise<void>[] = [];
  /** Reconciles whose `finishing` writes are still in flight (never rejecting); about workerCount at most. */
  private readonly finishing = new Set<Promise<void>>();
  private started = false;
  private stopping = false;

  constructor(opts: ControllerOptions) {
    this.opts = opts;
    this.workerCount = Math.max(1, Math.floor(opts.workers ?? 4));
    this.log = (opts.log ?? silentLogger()).child({ controller: opts.name });
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    for (let i = 0; i < this.workerCount; i++) this.workers.push(this.work());
    this.log.info({ workers: this.workerCount }, "controller started");
  }

  async stop(): Promise<void> {
    this.stopping = true;
    // Wakes workers blocked in get(); busy ones notice `stopping` when their reconcile returns.
    this.opts.queue.shutDown();
    await Promise.all(this.workers);
    await Promise.all(this.finishing);
    if (this.started) this.log.info("controller stopped");
  }

  private async work(): Promise<void> {
    const queue = this.opts.queue;
    for (;;) {
      // Finishing writes in flight are bounded by the worker count, so requests in flight stay within about 2x.
      while (this.finishing.size > this.workerCount) await Promise.race(this.finishing);
      const item = await queue.get();
      if (!item) return;
      if (this.stopping) {
        // The queue still hands out what is queued after shutDown; we are draining, so drop it.
        queue.done(item.key);
        return;
      }
      try {
        this.opts.onDequeue?.(item.priority, item.waitedMs);
      } catch (err) {
        this.log.warn({ key: item.key, err: errorMessage(err) }, "onDequeue hook threw");
      }
      const leave = this.opts.gate ? this.opts.gate.enter(item.key) : () => {};
      if (!leave) {
        queue.forget(item.key);
        queue.done(item.key);
        continue;
      }
      let finishing: Promise<void> | undefined;
      try {
        ({ finishing } = await this.process(item.key, leave));
      } finally {
        if (!finishing) leave();
      }
      if (finishing) {
        const tracked: Promise<void> = finishing
          .catch((err: unknown) => this.log.error({ key: item.key, err: errorMessage(err) }, "settling a reconcile's finishing writes threw"))
          .finally(() => this.finishing.delete(tracked));
        this.finishing.add(tracked);
      }
    }
  }

  /**
   * Runs one reconcile; when it hands back `finishing` writes, returns their settling (which calls `leave`), wrapped:
   * a promise returned from an async function would be awaited with it.
   */
  private async process(key: string, leave: () => void): Promise<{ finishing?: Promise<void> }> {
    const started = performance.now();
    let result: ReconcileResult;
    try {
      result = await this.opts.reconcile(key);
    } catch (err) {
      this.settle(key, started, undefined, err);
      return {};
    }
    const finishing = result?.finishing;
    if (!finishing) {
      this.settle(key, started, result);
      return {};
    }
    return {
      finishing: finishing
        .then(
          () => this.settle(key, started, result),
          (err: unknown) => this.settle(key, started, undefined, err),
        )
        .finally(leave),
    };
  }

  /** Requeues by outcome, then releases the key, then reports: the same for a reconcile and for its finishing writes. */
  private settle(key: string, started: number, result: ReconcileResult, err?: unknown): void {
    const { queue } = this.opts;
    let outcome: ReconcileOutcome = "ok";
    try {
      if (err === undefined) {
        queue.forget(key);
        const after = result ? result.requeueAfterMs : undefined;
        if (after !== undefined && Number.isFinite(after) && after >= 0) queue.addAfter(key, after);
      } else if (err instanceof TerminalError) {
        outcome = "terminal";
        queue.forget(key);
        this.log.warn({ key, err: errorMessage(err) }, "reconcile failed terminally; not retrying until the object changes");
      } else {
        outcome = "error";
        const retries = queue.retries(key);
        queue.addRateLimited(key);
        this.log.warn({ key, retries, err: errorMessage(err) }, "reconcile failed; retrying with backoff");
      }
    } finally {
      // done() after the requeue calls: a key requeued while still active is handed out again right after.
      queue.done(key);
    }
    this.report(key, outcome, performance.now() - started);
  }

  private report(key: string, outcome: ReconcileOutcome, durationMs: number): void {
    if (!this.opts.onResult) return;
    try {
      this.opts.onResult(key, outcome, durationMs);
    } catch (err) {
      this.log.warn({ key, err: errorMessage(err) }, "onResult hook threw");
    }
  }
}
