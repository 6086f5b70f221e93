// The upstream informer ResilientInformer drives: list, then watch from the list's resourceVersion, re-watch from
// the last seen version, relist only when the apiserver says that version is gone (410). It keeps no cache of its
// own (ResilientInformer's is the only one, issue 22: client-node's ListWatch kept a second map of every object).
import { setTimeout as sleep } from "node:timers/promises";
import type { KubernetesListObject, KubernetesObject } from "@kubernetes/client-node";
import type { KubeConfig } from "../kube/http/kube-config.ts";
import type { Query } from "../kube/http/transport.ts";

/**
 * Contract between ResilientInformer and the upstream informer it drives.
 * `onActivity` is called for every watch event (BOOKMARK included) and when a watch request is accepted; it feeds
 * the stale-watch detector. `isActive` turns false once this upstream instance has been replaced or stopped;
 * after that no new request may be opened.
 */
export interface WatchHooks {
  onActivity(): void;
  isActive(): boolean;
}

/** Arguments of an {@link InformerFactory}. `labelSelector`/`fieldSelector` are passed to the watch as-is. */
export interface InformerFactoryArgs<T extends KubernetesObject> {
  kc: KubeConfig;
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  fieldSelector?: string;
  hooks: WatchHooks;
  /** A watch with no byte for this long is closed and opened again from its version. Default WATCH_IDLE_MS (tests shorten it). */
  watchIdleMs?: number;
}

export type UpstreamEvent = "add" | "update" | "delete" | "connect" | "error";

/** What ResilientInformer needs of an upstream informer: events out, start and stop. */
export interface UpstreamInformer<T extends KubernetesObject> {
  on(event: "add" | "update" | "delete", fn: (obj: T) => void): void;
  on(event: "connect", fn: () => void): void;
  on(event: "error", fn: (err: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Builds one upstream informer (not started). ResilientInformer calls it once per (re)start and keeps its own
 * cache, so only `on`/`start`/`stop` of the result are used. Injected in unit tests.
 */
export type InformerFactory<T extends KubernetesObject> = (args: InformerFactoryArgs<T>) => UpstreamInformer<T>;

export function makeGuardedInformer<T extends KubernetesObject>(args: InformerFactoryArgs<T>): UpstreamInformer<T> {
  return new ListWatch(args);
}

/** A watch with no byte for this long is presumed dead and re-opened from the last version (client-node's 30 s). */
export const WATCH_IDLE_MS = 30_000;
/** The server ends each watch after 5-10 minutes (client-go's spread), so connections are renewed and balanced. */
const watchTimeoutSeconds = (): number => 300 + Math.floor(Math.random() * 300);
const REWATCH_BASE_MS = 1000;
const REWATCH_MAX_MS = 30_000;

type WatchEvent = { type?: string; object?: KubernetesObject & { code?: number } };

/**
 * How a watch ended: that version is gone (relist), or normally (re-watch from the last version): after events, or
 * our idle timeout (a quiet resource: at once), or the server closed it without any (back off, it may be refusing).
 */
type WatchEnd = { gone: boolean; events: number; idle?: boolean };

/**
 * Contract: start() runs list -> watch -> re-watch until stop() or an error. Errors (a failed list, a refused
 * watch, an ERROR event other than 410, a broken stream) are emitted once as 'error' and end this instance:
 * ResilientInformer replaces it with backoff. Listed items are not emitted (the list function hands them to
 * ResilientInformer itself); watch events are, in order.
 */
class ListWatch<T extends KubernetesObject> implements UpstreamInformer<T> {
  readonly #args: InformerFactoryArgs<T>;
  readonly #handlers: Record<UpstreamEvent, Array<(arg?: any) => void>> = { add: [], update: [], delete: [], connect: [], error: [] };
  readonly #stop = new AbortController();
  #abortWatch: (() => void) | undefined;
  #resourceVersion = "";

  constructor(args: InformerFactoryArgs<T>) {
    this.#args = args;
  }

  on(event: UpstreamEvent, fn: (arg?: any) => void): void {
    this.#handlers[event].push(fn);
  }

  async start(): Promise<void> {
    void this.#run().catch((err: unknown) => {
      if (!this.#done()) this.#emit("error", err);
    });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#abortWatch?.();
  }

  #done(): boolean {
    return this.#stop.signal.aborted || !this.#args.hooks.isActive();
  }

  async #run(): Promise<void> {
    let delayMs = 0;
    while (!this.#done()) {
      if (this.#resourceVersion === "") {
        const list = await this.#args.list();
        this.#resourceVersion = list.metadata?.resourceVersion ?? "";
      }
      if (this.#done()) return;
      this.#emit("connect");
      const end = await this.#watch();
      if (end.gone) {
        this.#resourceVersion = "";
        delayMs = 0;
        continue;
      }
      // A watch the server ends at once without an event, again and again, must not spin: back off as client-node did.
      delayMs = end.events > 0 || end.idle ? 0 : Math.min(REWATCH_MAX_MS, delayMs === 0 ? REWATCH_BASE_MS : delayMs * 2);
      if (delayMs > 0) await sleep(delayMs, undefined, { ref: false, signal: this.#stop.signal }).catch(() => {});
    }
  }

  async #watch(): Promise<WatchEnd> {
    const { kc, path, labelSelector, fieldSelector, hooks } = this.#args;
    const query: Query = { watch: true, resourceVersion: this.#resourceVersion, allowWatchBookmarks: true, timeoutSeconds: watchTimeoutSeconds(), labelSelector, fieldSelector };
    let stream;
    try {
      stream = await kc.transport().stream({ method: "GET", path, query });
    } catch (err) {
      if ((err as { code?: unknown }).code === 410) return { gone: true, events: 0 };
      throw err;
    }
    const { response, abort } = stream;
    if (this.#done()) {
      abort();
      return { gone: false, events: 0 };
    }
    hooks.onActivity();
    return new Promise<WatchEnd>((resolve, reject) => {
      let events = 0;
      let settled = false;
      let pending = "";
      const finish = (end: WatchEnd | Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        this.#abortWatch = undefined;
        abort();
        if (end instanceof Error) reject(end);
        else resolve(end);
      };
      const idle = setTimeout(() => finish({ gone: false, events, idle: true }), this.#args.watchIdleMs ?? WATCH_IDLE_MS);
      this.#abortWatch = () => finish({ gone: false, events });
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        idle.refresh();
        pending += chunk;
        let newline = pending.indexOf("\n");
        while (newline >= 0 && !settled) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          newline = pending.indexOf("\n");
          if (line.trim() === "") continue;
          let outcome: WatchEnd | Error | undefined;
          try {
            outcome = this.#event(JSON.parse(line) as WatchEvent);
          } catch {
            // Not JSON: the stream is broken. JSON.parse's message quotes the line, which may hold Secret data: not kept.
            outcome = new Error(`watch ${this.#args.path}: a line of the stream is not JSON`);
          }
          events++;
          if (outcome) finish(outcome);
        }
      });
      response.on("end", () => finish({ gone: false, events }));
      response.on("error", (err) => finish(err));
      response.on("close", () => finish({ gone: false, events }));
    });
  }

  /** Handles one event; returns how the watch ends when the event ends it. */
  #event(event: WatchEvent): WatchEnd | Error | undefined {
    this.#args.hooks.onActivity();
    const obj = event.object;
    if (event.type === "ERROR") {
      if (obj?.code === 410) return { gone: true, events: 1 };
      return Object.assign(new Error(`watch ${this.#args.path} ended with an error event (code ${obj?.code ?? "unknown"})`), { code: obj?.code });
    }
    if (!obj) return undefined;
    const version = obj.metadata?.resourceVersion;
    if (version) this.#resourceVersion = version;
    if (event.type === "ADDED") this.#emit("add", obj);
    else if (event.type === "MODIFIED") this.#emit("update", obj);
    else if (event.type === "DELETED") this.#emit("delete", obj);
    return undefined;
  }

  #emit(event: UpstreamEvent, arg?: unknown): void {
    if (this.#done() && event !== "error") return;
    for (const fn of this.#handlers[event]) fn(arg);
  }
}
