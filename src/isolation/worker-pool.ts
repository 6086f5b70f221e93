// A pool of worker processes that run one job at a time each, under a V8 heap limit and a wall-clock timeout.
// It is the second wall behind the template budgets and the parser limits: whatever slips past them (an
// endless loop, a heap blow-up) costs one worker, which is killed and replaced, never the main process
// that renews the Lease, answers /healthz and reconciles everyone else.
//
// Processes, not worker_threads: a worker thread's resourceLimits catch a heap that grows step by step,
// but some allocations that fail (a huge string turned into bytes, CALL_AND_RETRY_LAST) end in V8's
// fatal OOM handler, which aborts the whole process, threads and all (seen in the adversarial test with
// `randAlphaNum 300000000`). A child process dies alone. Jobs travel over IPC with V8's serializer, so
// bytes, Maps and bigints arrive as they left.
//
// Why by hand: piscina/workerpool exist, but neither routes a job by the key that caused trouble before
// ("suspect lane") nor maps out-of-memory and timeouts to typed errors without extra layers.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { IsolationError, reviveError, type SerializedError } from "./errors.ts";

export interface WorkerPoolOptions {
  /** The worker script (see worker-main.ts). */
  script: URL;
  /** V8 old-generation limit of each worker process, in MiB. */
  heapMb: number;
  /** Workers for ordinary jobs. */
  size: number;
  /** Workers for jobs whose key timed out or ran out of memory before, until that key succeeds again. */
  suspectSize: number;
  /** Longest a job may run before its worker is terminated. */
  timeoutMs: number;
  /** Told about every terminated worker (metrics, logs). */
  onWorkerLost?: (why: IsolationError["why"], lane: Lane) => void;
}

export type Lane = "ordinary" | "suspect";

export interface Job {
  /** A module URL (file:) and the name of an exported function; the function's result is returned. */
  module: string;
  fn: string;
  args: unknown[];
}

export interface RunOptions {
  /** Who the job is for (e.g. an ExternalSecret): a key that failed by timeout or out of memory is sent to the suspect lane. */
  key?: string;
  /** Error classes the job may throw, recreated on this side (matched by name) so `instanceof` works. */
  errors?: ReadonlyArray<abstract new (...args: never[]) => Error>;
}

interface Pending {
  job: Job;
  opts: RunOptions;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

type Worker = ChildProcess;

class Slot {
  worker: Worker | undefined;
  busy: Pending | undefined;
  timer: NodeJS.Timeout | undefined;
  nextId = 0;
}

export class WorkerPool {
  readonly #opts: WorkerPoolOptions;
  readonly #lanes: Record<Lane, { slots: Slot[]; queue: Pending[] }>;
  readonly #suspects = new Set<string>();
  #closed = false;

  constructor(opts: WorkerPoolOptions) {
    this.#opts = opts;
    const slots = (n: number) => Array.from({ length: Math.max(1, n) }, () => new Slot());
    this.#lanes = { ordinary: { slots: slots(opts.size), queue: [] }, suspect: { slots: slots(opts.suspectSize), queue: [] } };
  }

  /** Runs `job` in a worker; rejects with IsolationError on timeout, out of memory or a crashed worker. */
  run<T>(job: Job, opts: RunOptions = {}): Promise<T> {
    if (this.#closed) return Promise.reject(new IsolationError("closed", "the worker pool is closed"));
    const lane: Lane = opts.key !== undefined && this.#suspects.has(opts.key) ? "suspect" : "ordinary";
    return new Promise<T>((resolve, reject) => {
      this.#lanes[lane].queue.push({ job, opts, resolve: resolve as (v: unknown) => void, reject });
      this.#pump(lane);
    });
  }

  /** Keys currently routed to the suspect lane. */
  suspects(): number {
    return this.#suspects.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#lanes.ordinary.slots, ...this.#lanes.suspect.slots];
    for (const lane of Object.values(this.#lanes)) for (const p of lane.queue.splice(0)) p.reject(new IsolationError("closed", "the worker pool is closed"));
    await Promise.all(all.map((slot) => this.#kill(slot)));
  }

  #pump(lane: Lane): void {
    const { slots, queue } = this.#lanes[lane];
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (slot.busy) continue;
      this.#start(slot, lane, queue.shift()!);
    }
  }

  #spawn(slot: Slot, lane: Lane): Worker {
    const worker = fork(fileURLToPath(this.#opts.script), [], {
      // A small young generation and --optimize-for-size: ~65 MiB per worker instead of ~75 (the jobs are short).
      execArgv: [`--max-old-space-size=${this.#opts.heapMb}`, "--max-semi-space-size=1", "--optimize-for-size", "--stack-size=2048"],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    this.#idle(worker);
    worker.on("message", (reply: Reply) => this.#settle(slot, lane, worker, reply));
    worker.on("error", () => this.#fail(slot, lane, worker, "crashed"));
    // V8's fatal out-of-memory handler aborts (SIGABRT; SIGTRAP on some builds); anything else is a crash.
    worker.on("exit", (_code, signal) => this.#fail(slot, lane, worker, signal === "SIGABRT" || signal === "SIGTRAP" ? "out-of-memory" : "crashed"));
    slot.worker = worker;
    return worker;
  }

  /** An idle worker does not keep the process alive (a CLI that rendered exits); a busy one does. */
  #idle(worker: Worker): void {
    worker.unref();
    (worker.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  #busy(worker: Worker): void {
    worker.ref();
    (worker.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  #start(slot: Slot, lane: Lane, pending: Pending): void {
    const worker = slot.worker ?? this.#spawn(slot, lane);
    slot.busy = pending;
    slot.nextId++;
    this.#busy(worker);
    slot.timer = setTimeout(() => this.#fail(slot, lane, worker, "timeout"), this.#opts.timeoutMs);
    worker.send({ id: slot.nextId, ...pending.job });
  }

  #done(slot: Slot, lane: Lane): Pending | undefined {
    const pending = slot.busy;
    clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.busy = undefined;
    if (slot.worker) this.#idle(slot.worker);
    queueMicrotask(() => this.#pump(lane));
    return pending;
  }

  #settle(slot: Slot, lane: Lane, worker: Worker, reply: Reply): void {
    if (slot.worker !== worker || reply.id !== slot.nextId) return;
    const pending = this.#done(slot, lane);
    if (!pending) return;
    if (pending.opts.key !== undefined) this.#suspects.delete(pending.opts.key);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(reviveError(reply.error, pending.opts.errors ?? []));
  }

  /** The job's worker is gone or must go: terminate it (a fresh one is spawned for the next job) and fail the job. */
  #fail(slot: Slot, lane: Lane, worker: Worker, why: IsolationError["why"]): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    const pending = this.#done(slot, lane);
    worker.kill("SIGKILL");
    if (this.#closed) return;
    this.#opts.onWorkerLost?.(why, lane);
    if (!pending) return;
    if (pending.opts.key !== undefined && (why === "timeout" || why === "out-of-memory")) this.#suspects.add(pending.opts.key);
    pending.reject(new IsolationError(why, IsolationError.describe(why, this.#opts)));
  }

  async #kill(slot: Slot): Promise<void> {
    const worker = slot.worker;
    slot.worker = undefined;
    clearTimeout(slot.timer);
    if (!worker || worker.exitCode !== null || worker.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    worker.kill("SIGKILL");
    await exited;
  }
}
