// client-node's Watch and ListWatch made safe to restart: bookmarks on, activity reported, no leaked or crashing re-watches.
import { setTimeout as sleep } from "node:timers/promises";
import { ListWatch, Watch } from "@kubernetes/client-node";
import type { Informer, KubeConfig, KubernetesObject, ListPromise } from "@kubernetes/client-node";

/**
 * Contract between ResilientInformer and the upstream informer it drives.
 * `onActivity` is called for every watch event (including BOOKMARK, which ListWatch does not
 * surface) and when a watch request is accepted; it feeds the stale-watch detector.
 * `isActive` turns false once this upstream instance has been replaced or stopped; after that no
 * new watch request may be opened.
 */
export interface WatchHooks {
  onActivity(): void;
  isActive(): boolean;
}

/** Arguments of an {@link InformerFactory}. `labelSelector`/`fieldSelector` are passed to the watch as-is. */
export interface InformerFactoryArgs<T extends KubernetesObject> {
  kc: KubeConfig;
  path: string;
  list: ListPromise<T>;
  labelSelector?: string;
  fieldSelector?: string;
  hooks: WatchHooks;
}

/**
 * Builds one upstream informer (not started). ResilientInformer calls it once per (re)start and
 * keeps its own cache, so only `on`/`start`/`stop` of the result are used. Injected in unit tests.
 */
export type InformerFactory<T extends KubernetesObject> = (args: InformerFactoryArgs<T>) => Informer<T>;

/**
 * The default factory. It builds ListWatch directly because client-node 2.0.1's `makeInformer`
 * takes no field selector; behaviour is otherwise identical (makeInformer = new ListWatch(..., false, labelSelector)).
 */
export function makeGuardedInformer<T extends KubernetesObject>(args: InformerFactoryArgs<T>): Informer<T> {
  const watch = new GuardedWatch(args.kc, args.hooks);
  // ListWatch sleeps up to 30s between re-watches and cannot cancel the sleep on stop(); unref it so a
  // retired instance never holds the process open at shutdown (the watch after it is refused anyway).
  const delayFn = (ms: number): Promise<void> => sleep(ms, undefined, { ref: false });
  return new ListWatch<T>(args.path, watch, args.list, false, args.labelSelector, args.fieldSelector, { delayFn });
}

type QueryParams = Record<string, string | number | boolean | undefined>;
type WatchCallback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;

/**
 * Why each guard exists (client-node 2.0.1, dist/cache.js and dist/watch.js):
 * - ListWatch.doneHandler opens the next watch after `await listFn()` and after its reconnect
 *   delay without re-checking `stopped`: a stopped ListWatch can open a fresh watch that nobody
 *   will ever abort. We refuse to open watches for an inactive instance.
 * - Watch.watch throws (instead of calling `done`) when the kubeconfig has no current cluster or an
 *   auth plugin fails. On a re-watch ListWatch calls doneHandler from the `done` callback without
 *   awaiting it, so that throw becomes an unhandled rejection that kills the process. We route it
 *   to `done(err)`, which ListWatch reports as an 'error' event.
 * - ListWatch does not ask for bookmarks. With them, quiet resources keep a fresh resourceVersion
 *   (fewer 410 relists after etcd compaction) and the stream shows signs of life.
 */
export class GuardedWatch extends Watch {
  private readonly hooks: WatchHooks;

  constructor(kc: KubeConfig, hooks: WatchHooks) {
    super(kc);
    this.hooks = hooks;
  }

  override async watch(
    path: string,
    queryParams: QueryParams,
    callback: WatchCallback,
    done: (err: unknown) => void,
  ): Promise<AbortController> {
    // An idle controller: ListWatch stores it as its request and may abort it; done is never called.
    if (!this.hooks.isActive()) return new AbortController();
    let finished = false;
    const onDone = (err: unknown): void => {
      finished = true;
      done(err);
    };
    const onEvent: WatchCallback = (phase, apiObj, watchObj) => {
      this.hooks.onActivity();
      callback(phase, apiObj, watchObj);
    };
    try {
      const controller = await super.watch(path, { ...queryParams, allowWatchBookmarks: true }, onEvent, onDone);
      // Returned without done: the server accepted the watch (HTTP 200), a sign of life.
      if (!finished) this.hooks.onActivity();
      return controller;
    } catch (err) {
      onDone(err);
      return new AbortController();
    }
  }
}
