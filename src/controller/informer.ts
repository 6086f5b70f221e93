// A list-watch informer that never stops: restarts its upstream list-watch on any error or silent hang, and owns the cache across restarts.
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import type { KubeConfig } from "../kube/http/kube-config.ts";
import type { Logger } from "pino";
import { ExponentialBackoff } from "./backoff.ts";
import { realClock } from "./clock.ts";
import type { Clock } from "./clock.ts";
import { makeGuardedInformer } from "./guarded-watch.ts";
import type { InformerFactory, UpstreamInformer, WatchHooks } from "./guarded-watch.ts";
import { errorMessage, silentLogger } from "./logging.ts";
import { ObjectStore } from "./object-store.ts";
import { RestartScheduler } from "./restart-scheduler.ts";
import type { RestartReason } from "./restart-scheduler.ts";

/** Options for {@link ResilientInformer}. */
export interface ResilientInformerOptions<T extends KubernetesObject> {
  /** Used in logs and as the backoff key. */
  name: string;
  kc: KubeConfig;
  /** Watch path, e.g. "/apis/external-secrets.io/v1/externalsecrets" (all namespaces). */
  path: string;
  /** Lists the same collection as `path` with the same selectors; its resourceVersion starts the watch. */
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  log?: Logger;
  /** Restart delays. Default 1s doubling to 30s (a watch should not stay down for minutes). */
  backoff?: ExponentialBackoff;
  clock?: Clock;
  /** Restart when nothing (event, bookmark, accepted watch, reconnect) was seen for this long. Default 5 min. */
  staleAfterMs?: number;
  /** A run that lasted this long before failing resets the restart backoff. Default 2 min, like client-go's reflector. */
  resetBackoffAfterMs?: number;
  /**
   * Trims each object before it is cached and handed to handlers (in place), like client-go's SetTransform:
   * what the operator never reads (managedFields) need not live in memory for every object it watches.
   */
  transform?: (obj: T) => void;
  /** Builds the upstream informer; defaults to the list-watch of guarded-watch.ts. For tests. */
  makeInformer?: InformerFactory<T>;
}

// One upstream informer's lifetime; callbacks compare by identity so a retired run is ignored.
interface Run<T extends KubernetesObject> {
  listed: boolean;
  informer?: UpstreamInformer<T>;
}

/**
 * Contract: `start()` resolves after the first successful list (retrying it with backoff for as
 * long as it takes) and rejects only if `stop()` comes first. From then on the informer keeps
 * watching until `stop()`: any upstream error restarts it after a jittered exponential backoff,
 * and a watch with no sign of life for `staleAfterMs` is restarted at once. After a restart the
 * relist is diffed against this informer's cache, so objects deleted or changed while disconnected
 * arrive as onDelete/onUpdate, unchanged ones stay silent, and then onRestart fires so controllers
 * can requeue everything (level-based safety net). Handlers run synchronously and must not throw
 * (throws are logged and swallowed). `list`/`get` read this informer's cache, never the apiserver.
 */
export class ResilientInformer<T extends KubernetesObject> {
  private readonly opts: ResilientInformerOptions<T>;
  private readonly log: Logger;
  private readonly scheduler: RestartScheduler;
  private readonly factory: InformerFactory<T>;
  private readonly store = new ObjectStore<T>();
  private readonly addFns: Array<(obj: T) => void> = [];
  private readonly updateFns: Array<(obj: T, old: T | undefined) => void> = [];
  private readonly deleteFns: Array<(obj: T) => void> = [];
  private readonly restartFns: Array<() => void> = [];
  private readonly firstSync = Promise.withResolvers<void>();
  private state: "new" | "running" | "stopped" = "new";
  private run: Run<T> | undefined;
  private synced = false;
  private restartCount = 0;

  constructor(opts: ResilientInformerOptions<T>) {
    this.opts = opts;
    this.log = (opts.log ?? silentLogger()).child({ informer: opts.name });
    this.scheduler = new RestartScheduler({
      clock: opts.clock ?? realClock,
      backoff: opts.backoff ?? new ExponentialBackoff({ baseMs: 1000, maxMs: 30_000 }),
      key: opts.name,
      staleAfterMs: opts.staleAfterMs ?? 300_000,
      resetAfterMs: opts.resetBackoffAfterMs ?? 120_000,
      restart: (reason) => this.restart(reason),
    });
    this.factory = opts.makeInformer ?? makeGuardedInformer;
    this.firstSync.promise.catch(() => {}); // a caller that never awaited start() must not crash the process on stop()
  }

  onAdd(fn: (obj: T) => void): void {
    this.addFns.push(fn);
  }
  onUpdate(fn: (obj: T, old: T | undefined) => void): void {
    this.updateFns.push(fn);
  }
  onDelete(fn: (obj: T) => void): void {
    this.deleteFns.push(fn);
  }
  onRestart(fn: () => void): void {
    this.restartFns.push(fn);
  }

  start(): Promise<void> {
    if (this.state === "new") {
      this.state = "running";
      this.launch();
    }
    return this.firstSync.promise;
  }

  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopped";
    this.scheduler.cancel();
    if (!this.synced) this.firstSync.reject(new Error(`informer ${this.opts.name} stopped before its first list`));
    await this.retire();
  }

  hasSynced(): boolean {
    return this.synced;
  }
  list(namespace?: string): T[] {
    return this.store.list(namespace);
  }
  get(name: string, namespace?: string): T | undefined {
    return this.store.get(name, namespace);
  }
  /**
   * Replaces cached objects for which `when` holds by `obj` (transformed like every object) when it is the same
   * version; silent. For caches that keep some objects reduced and need them whole again (automatic shards).
   */
  fill(obj: T, when: (cached: T) => boolean): boolean {
    this.opts.transform?.(obj);
    return this.store.swapSameVersion(obj, when);
  }

  /** One list, each item offered to {@link fill}: a reduced cache made whole again in one request. Returns how many were. */
  async refill(when: (cached: T) => boolean): Promise<number> {
    const result = await this.opts.list();
    let filled = 0;
    for (const item of result.items ?? []) if (this.fill(item, when)) filled++;
    return filled;
  }

  /** How many times the upstream informer was replaced (errors, stale watches, failed first lists). */
  restarts(): number {
    return this.restartCount;
  }

  private launch(): void {
    const run: Run<T> = { listed: false };
    this.run = run;
    const current = (): boolean => this.state === "running" && this.run === run;
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await this.opts.list();
      // The list-watch opens its watch after the list; refusing a retired run's list here stops it for good.
      if (!current()) throw new Error("superseded informer run");
      if (this.opts.transform) for (const item of result.items ?? []) this.opts.transform(item);
      this.applyList(run, result.items ?? []);
      return result;
    };
    const hooks: WatchHooks = { onActivity: () => current() && this.scheduler.touch(), isActive: current };
    this.scheduler.runStarted();
    try {
      const { kc, path, labelSelector, fieldSelector } = this.opts;
      run.informer = this.factory({ kc, path, list, labelSelector, fieldSelector, hooks });
    } catch (err) {
      this.fail(run, err);
      return;
    }
    const informer = run.informer;
    informer.on("add", (obj) => current() && this.upsert(obj));
    informer.on("update", (obj) => current() && this.upsert(obj));
    informer.on("delete", (obj) => current() && this.remove(obj));
    informer.on("connect", () => current() && this.scheduler.touch());
    // Upstream emits 'error' and then does nothing more, ever (cache.js doneHandler): we take over.
    informer.on("error", (err) => this.fail(run, err));
    // Deferred a tick so a start() that throws synchronously is caught like a rejected one.
    Promise.resolve()
      .then(() => informer.start())
      .catch((err: unknown) => this.fail(run, err));
  }

  private applyList(run: Run<T>, items: readonly T[]): void {
    const isRestart = this.synced && !run.listed;
    run.listed = true;
    this.scheduler.touch();
    const { deleted, added, updated } = this.store.replace(items);
    for (const obj of deleted) this.emit(this.deleteFns, obj);
    for (const obj of added) this.emit(this.addFns, obj);
    for (const { obj, old } of updated) this.emit(this.updateFns, obj, old);
    if (!this.synced) {
      this.synced = true;
      this.log.info({ objects: this.store.size() }, "informer synced");
      this.firstSync.resolve();
    } else if (isRestart) {
      this.log.info({ objects: this.store.size(), deleted: deleted.length, restarts: this.restartCount }, "informer relisted after restart");
      this.emit(this.restartFns);
    }
  }

  private upsert(obj: T): void {
    this.scheduler.touch();
    this.opts.transform?.(obj);
    const r = this.store.upsert(obj);
    if (r.kind === "add") this.emit(this.addFns, obj);
    else if (r.kind === "update") this.emit(this.updateFns, obj, r.old);
  }

  private remove(obj: T): void {
    this.scheduler.touch();
    if (this.store.remove(obj)) this.emit(this.deleteFns, obj);
  }

  private fail(run: Run<T>, err: unknown): void {
    if (this.state !== "running" || this.run !== run) return; // late noise from a retired run
    const delayMs = this.scheduler.failed();
    this.log.warn({ err: errorMessage(err), delayMs: Math.round(delayMs), restarts: this.restartCount }, "informer failed; restarting");
    void this.retire();
  }

  private restart(reason: RestartReason): void {
    if (this.state !== "running") return;
    if (reason === "stale") {
      this.log.warn({ idleMs: this.scheduler.idleMs(), restarts: this.restartCount }, "watch silent for too long; restarting");
      void this.retire();
    }
    this.restartCount++;
    this.launch();
  }

  private async retire(): Promise<void> {
    const informer = this.run?.informer;
    this.run = undefined;
    if (!informer) return;
    try {
      await informer.stop();
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, "stopping upstream informer failed");
    }
  }

  private emit<A extends unknown[]>(fns: Array<(...args: A) => void>, ...args: A): void {
    for (const fn of fns) {
      try {
        fn(...args);
      } catch (err) {
        this.log.error({ err: errorMessage(err) }, "informer event handler threw");
      }
    }
  }
}
