// Wires RefreshReceivers (issue 20): their queue and controller, the registry of served paths, the HTTP listener,
// and what a verified call does: select the ExternalSecrets of the receiver's namespace (selection.ts), mark each
// as asked-for (RefreshRequests, read by the ExternalSecret reconciler) and queue it in the high-priority lane.
// With one leader, only it acts on calls (its controllers run); a standby answers 503 to every call, and the chart's
// Service routes to the leader alone by the Pod label kube/own-pod-label.ts sets. With --shards auto every member
// takes calls and shares each through the receiver's status; every member refreshes its own share of what it selects.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { ReceiverResource, RefreshReceiver } from "../api/refresh-receiver.ts";
import type { SecretStore } from "../api/secret-store.ts";
import type { Clock } from "../controller/clock.ts";
import { Controller, type ControllerOptions } from "../controller/controller.ts";
import { errorMessage } from "../controller/logging.ts";
import type { RateLimit } from "../controller/token-bucket.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import type { EventRecorder } from "../kube/events.ts";
import type { KubeClients } from "../kube/clients.ts";
import { namespaceAllowed } from "../reconcilers/external-secret/store-access.ts";
import { refreshReceiverReconciler } from "../reconcilers/refresh-receiver/reconciler.ts";
import { RefreshRequests } from "../receiver/refresh-requests.ts";
import { ReceiverRegistry, type ServedReceiver } from "../receiver/registry.ts";
import { ReplayGuard } from "../receiver/replay-guard.ts";
import { remoteReads as remoteReadsOf, selectExternalSecrets, touchesKeys, type RemoteRead } from "../receiver/selection.ts";
import { pushedFiles } from "../receiver/push-event.ts";
import { CallThrottle } from "../receiver/call-throttle.ts";
import { publishCall, scopeOf, SeenCalls, sharedCall, type CallScope } from "../receiver/shared-calls.ts";
import { storeKeyOf, type StoreSessions } from "../provider/sessions.ts";
import { startReceiverServer, type CallResult } from "../receiver/server.ts";
import type { InformerLike } from "./multi-informer.ts";
import type { OwnPod } from "../kube/own-pod-label.ts";

export interface ReceiverOptions {
  /** Listen address of the webhook server (":9292", "127.0.0.1:0" in tests). */
  address: string;
  /** Verified calls per receiver (default 1 per second, burst 10). */
  rateLimit?: RateLimit;
  /** Largest accepted body (default 1 MiB). */
  maxBodyBytes?: number;
  /** How long a delivery id is remembered (default 1 h) and how many at most (default 100 000). */
  replay?: { ttlMs: number; maxEntries: number };
  /**
   * The operator's own Pod (downward API): labelled `secrets-bridge.io/webhooks=standby` at start and `=leader` once
   * leading, so the receiver Service (which selects `leader`) routes calls to the replica that acts on them.
   */
  ownPod?: OwnPod | undefined;
}

export const DEFAULT_RECEIVER_RATE_LIMIT: RateLimit = { requestsPerSecond: 1, burst: 10 };

export interface ReceiverWiring {
  queue: WorkQueue;
  controller: Controller;
  requests: RefreshRequests;
  /** Opens the listener (it answers 503 until `accepting`); called once nothing else can fail to start. */
  listen(): Promise<void>;
  /**
   * Sharded: acts again on the calls shared within the last `withinMs`, for the ExternalSecrets `taken` selects (the
   * slots this replica just took): a call shared while their slot changed hands reached neither its old nor its new
   * owner in time.
   */
  actOnRecentCalls(withinMs: number, taken: (esKey: string) => boolean): Promise<void>;
  /** The port the listener bound (tests bind port 0); undefined before listen(). */
  port(): number | undefined;
  requeueAll(): void;
  stop(): Promise<void>;
}

export function wireRefreshReceivers(deps: {
  options: ReceiverOptions;
  informers: {
    refreshReceivers: InformerLike<RefreshReceiver & KubernetesObject>;
    externalSecrets: InformerLike<ExternalSecret & KubernetesObject>;
    secretStores: InformerLike<SecretStore & KubernetesObject>;
    clusterSecretStores: InformerLike<SecretStore & KubernetesObject>;
  };
  namespaceLabels: (name: string) => Promise<Record<string, string> | undefined>;
  /** Queues one ExternalSecret key in the given lane. */
  enqueueExternalSecret: (key: string, priority: Priority) => void;
  accepting: () => boolean;
  /** Store sessions: a call re-fetches polled sources (SOPS from Git) and maps a push's files to keys. */
  sessions: Pick<StoreSessions, "refreshSources" | "changedKeys">;
  clients: KubeClients;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue">;
  onCall?: (receiver: ServedReceiver | undefined, result: CallResult) => void;
  /**
   * --shards auto: calls are shared through the receivers' status (receiver/shared-calls.ts) and each replica
   * refreshes only the ExternalSecrets it `works`; only the replica that `writesStatus` of a receiver writes its
   * status and events. `windowMs`: at most one refresh per receiver and window here (default 1 s).
   */
  shared?: { works: (esKey: string) => boolean; writesStatus: (receiverKey: string) => boolean; windowMs?: number } | undefined;
}): ReceiverWiring {
  const { refreshReceivers, externalSecrets, secretStores, clusterSecretStores } = deps.informers;
  const log = deps.log.child({ component: "refresh-receiver" });
  const registry = new ReceiverRegistry(deps.options.rateLimit ?? DEFAULT_RECEIVER_RATE_LIMIT, () => deps.clock.now());
  const requests = new RefreshRequests();
  const queue = new WorkQueue({ clock: deps.clock, log });
  const reconcile = refreshReceiverReconciler({
    clients: deps.clients,
    receiver: (namespace, name) => refreshReceivers.get(name, namespace),
    registry,
    events: deps.events,
    log,
    ...(deps.shared ? { writesStatus: deps.shared.writesStatus } : {}),
  });
  const controller = new Controller({ name: "refreshreceiver", queue, reconcile, workers: 1, log, ...deps.hooks });
  const key = (receiver: RefreshReceiver) => `${receiver.metadata.namespace}/${receiver.metadata.name}`;
  refreshReceivers.onAdd((receiver) => {
    queue.add(key(receiver), Priority.High);
    if (deps.shared) followCalls(receiver);
  });
  refreshReceivers.onUpdate((receiver, old) => {
    if (receiver.metadata.generation !== old?.metadata.generation || receiver.metadata.deletionTimestamp) queue.add(key(receiver), Priority.High);
    if (deps.shared) followCalls(receiver);
  });
  refreshReceivers.onDelete((receiver) => {
    queue.add(key(receiver), Priority.High);
    seen.forget(key(receiver));
    throttle.forget(key(receiver));
  });

  /**
   * Refreshes what the calls `scopes` ask for among the ExternalSecrets `receiver` selects (only those this replica
   * works, when sharded): polled sources of the stores they read fetch again, each is marked asked-for and queued.
   */
  const refreshFor = async (receiver: { key: string; namespace: string; resources: ReceiverResource[] }, scopes: CallScope[], only?: (esKey: string) => boolean): Promise<void> => {
    const admitted: SecretStore[] = [];
    for (const store of clusterSecretStores.list()) {
      if (await namespaceAllowed(store.spec.conditions, receiver.namespace, () => deps.namespaceLabels(receiver.namespace))) admitted.push(store);
    }
    const own = secretStores.list(receiver.namespace);
    // The stores an ExternalSecret of this namespace may read through (never another namespace's SecretStore).
    const storeOf = (read: RemoteRead): SecretStore | undefined =>
      read.store.kind === "SecretStore" ? own.find((store) => store.metadata.name === read.store.name) : admitted.find((store) => store.metadata.name === read.store.name);
    const candidates = externalSecrets.list(receiver.namespace);
    const selected = new Set<string>();
    for (const { keys, files } of scopes) {
      const touched = keys ? touchesKeys(keys) : files ? pushTouches(files, storeOf) : undefined;
      for (const key of selectExternalSecrets({ namespace: receiver.namespace, resources: receiver.resources, externalSecrets: candidates, secretStores: own, admittedClusterStores: admitted, touched })) {
        if ((!deps.shared || deps.shared.works(key)) && (!only || only(key))) selected.add(key);
      }
    }
    // Polled sources (SOPS from Git) of the stores these ExternalSecrets read fetch again on their next read.
    const readStores = new Set<string>();
    for (const key of selected) {
      const es = externalSecrets.get(key.slice(key.indexOf("/") + 1), receiver.namespace);
      for (const read of es ? remoteReadsOf(es) : []) {
        const store = storeOf(read);
        if (store) readStores.add(storeKeyOf(store));
      }
    }
    for (const storeKey of readStores) await deps.sessions.refreshSources(storeKey);
    const at = deps.clock.now();
    for (const esKey of selected) {
      requests.request(esKey, at);
      deps.enqueueExternalSecret(esKey, Priority.High);
    }
    const named = scopes.reduce((sum, scope) => sum + (scope.keys?.length ?? 0), 0);
    const pushed = scopes.reduce((sum, scope) => sum + (scope.files?.length ?? 0), 0);
    log.info({ receiver: receiver.key, calls: scopes.length, externalSecrets: selected.size, namedKeys: named, pushedFiles: pushed }, "webhook call verified: refreshing");
  };

  const targetOf = (receiver: RefreshReceiver) => ({ key: key(receiver), namespace: receiver.metadata.namespace!, resources: receiver.spec.resources });

  // Sharded, a verified call is shared through the receiver's status and acted on by every replica as it sees it.
  const seen = new SeenCalls();
  const throttle = new CallThrottle({
    clock: deps.clock,
    windowMs: deps.shared?.windowMs ?? 1000,
    run: async (receiverKey, scopes) => {
      const [namespace, name] = receiverKey.split("/") as [string, string];
      const receiver = refreshReceivers.get(name, namespace);
      if (receiver && !receiver.metadata.deletionTimestamp) await refreshFor(targetOf(receiver), scopes);
    },
    onError: (receiverKey, err) => log.warn({ receiver: receiverKey, error: errorMessage(err) }, "acting on a shared webhook call failed"),
  });
  const followCalls = (receiver: RefreshReceiver) => {
    const calls = seen.unseen(key(receiver), receiver.status?.calls);
    throttle.add(key(receiver), calls.map(scopeOf));
  };

  const refresh = async (receiver: ServedReceiver, keys: string[] | undefined, body: Uint8Array, event: string | undefined, deliveryId: string | undefined): Promise<CallResult | undefined> => {
    const files = pushedFiles(receiver.type, event, body);
    if (!deps.shared) {
      await refreshFor(receiver, [{ keys, files }]);
      return undefined;
    }
    const call = sharedCall({ keys, files }, deliveryId && `${receiver.key}\u0000${deliveryId}`, new Date(deps.clock.now()));
    const outcome = await publishCall(deps.clients, receiver, call, refreshReceivers.get(receiver.name, receiver.namespace));
    log.debug({ receiver: receiver.key, outcome }, "webhook call shared with the fleet");
    return outcome === "replayed" ? "replayed" : outcome === "gone" ? "not-found" : undefined;
  };

  /** A push's files, mapped per store to that store's keys; a store that cannot map them counts every read. */
  const pushTouches = (files: string[], storeOf: (read: RemoteRead) => SecretStore | undefined) => {
    const byStore = new Map<SecretStore, ((read: RemoteRead) => boolean) | undefined>();
    return (read: RemoteRead): boolean => {
      const store = storeOf(read);
      if (!store) return false;
      if (!byStore.has(store)) {
        const changed = deps.sessions.changedKeys(store, files);
        byStore.set(store, changed && touchesKeys(changed));
      }
      const touches = byStore.get(store);
      return touches ? touches(read) : true;
    };
  };

  const replay = deps.options.replay ?? { ttlMs: 3_600_000, maxEntries: 100_000 };
  let server: Server | undefined;

  return {
    queue,
    controller,
    requests,
    async listen() {
      server = await startReceiverServer(deps.options.address, {
        registry,
        replays: new ReplayGuard({ ...replay, now: () => deps.clock.now() }),
        accepting: deps.accepting,
        refresh,
        log,
        onResult: deps.onCall,
        maxBodyBytes: deps.options.maxBodyBytes,
      });
      log.info({ address: deps.options.address }, "webhook receiver listening");
    },
    async actOnRecentCalls(withinMs, taken) {
      const since = deps.clock.now() - withinMs;
      for (const receiver of refreshReceivers.list()) {
        const recent = (receiver.status?.calls ?? []).filter((call) => Date.parse(call.at) >= since);
        if (recent.length === 0 || receiver.metadata.deletionTimestamp) continue;
        try {
          await refreshFor(targetOf(receiver), recent.map(scopeOf), taken);
        } catch (err) {
          log.warn({ receiver: key(receiver), error: errorMessage(err) }, "acting on a shared webhook call failed");
        }
      }
    },
    port: () => (server?.address() as AddressInfo | undefined)?.port,
    requeueAll: () => {
      for (const receiver of refreshReceivers.list()) queue.add(key(receiver));
    },
    stop: () =>
      new Promise<void>((resolve) => {
        throttle.stop();
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
