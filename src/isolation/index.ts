// The process's isolation pool: templates and untrusted documents (SOPS files) run here, in worker
// processes. One pool per process, configured once by the daemon (flags) and started lazily, so the CLI, the
// demo and tests get the defaults without wiring.
import { WorkerPool, type Job, type Lane, type RunOptions } from "./worker-pool.ts";
import type { IsolationError } from "./errors.ts";

export { IsolationError } from "./errors.ts";
export type { Lane } from "./worker-pool.ts";

export interface IsolationSettings {
  /** Ordinary workers (default 2: the machines this runs on have few cores; jobs are short). */
  workers: number;
  /** A job's wall-clock limit. Budgeted templates finish in milliseconds; this catches what a budget misses. */
  timeoutMs: number;
  /** V8 old-generation limit per worker process: far above any budgeted template or capped SOPS file; with the
   *  workers' own ~40 MiB each, three workers and the operator stay well under the chart's 512 MiB limit. */
  heapMb: number;
  onWorkerLost?: (why: IsolationError["why"], lane: Lane) => void;
}

export const DEFAULT_ISOLATION: IsolationSettings = { workers: 2, timeoutMs: 3000, heapMb: 64 };

let settings: IsolationSettings = DEFAULT_ISOLATION;
let pool: WorkerPool | undefined;

/** Sets the pool's limits; a pool already running is replaced (its jobs finish first). */
export function configureIsolation(next: Partial<IsolationSettings>): void {
  settings = { ...settings, ...next };
  const old = pool;
  pool = undefined;
  void old?.close();
}

function current(): WorkerPool {
  pool ??= new WorkerPool({
    script: moduleBeside(import.meta.url, "./worker-main.ts"),
    size: settings.workers,
    suspectSize: 1,
    timeoutMs: settings.timeoutMs,
    heapMb: settings.heapMb,
    onWorkerLost: (why, lane) => settings.onWorkerLost?.(why, lane),
  });
  return pool;
}

/** Runs an exported function of one of our modules in the pool (see WorkerPool.run). */
export function isolated<T>(job: Job, opts?: RunOptions): Promise<T> {
  return current().run<T>(job, opts);
}

/** Stops the pool's workers (daemon shutdown, tests). */
export async function stopIsolation(): Promise<void> {
  const old = pool;
  pool = undefined;
  await old?.close();
}

/**
 * A sibling module's URL for a job. Source runs as .ts (type stripping), the built package as .js: the job
 * must name the file that exists beside its caller.
 */
export function moduleBeside(callerUrl: string, relative: string): URL {
  const url = new URL(relative, callerUrl);
  if (callerUrl.endsWith(".js") && url.pathname.endsWith(".ts")) url.pathname = `${url.pathname.slice(0, -3)}.js`;
  return url;
}
