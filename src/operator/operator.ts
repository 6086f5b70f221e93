// Assembles the operator: informers -> work queues -> reconcilers, with leader election and graceful drain.
// Used by `secrets-bridge run`, the demo and the integration tests (in-process, against the real apiserver).
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { KubeConfig } from "../kube/http/index.ts";
import type { Logger } from "pino";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { Controller } from "../controller/controller.ts";
import { LeaderElector } from "../controller/leader-election.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import { realClock, type Clock } from "../controller/clock.ts";
import { makeClients, type KubeClients } from "../kube/clients.ts";
import { eventRecorder, type NormalEventPolicy } from "../kube/events.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import { StoreSessions, storeKeyOf } from "../provider/sessions.ts";
import { FetchCache } from "../provider/fetch-cache.ts";
import type { Provider } from "../provider/types.ts";
import { externalSecretReconciler } from "../reconcilers/external-secret/reconciler.ts";
import { servedGenerators } from "../generators/index.ts";
import { SecretWriter } from "../reconcilers/external-secret/secret-writer.ts";
import { secretStoreReconciler, storeQueueKey } from "../reconcilers/secret-store/reconciler.ts";
import type { OperatorMetrics } from "../metrics.ts";
import { esKey, metadataOrSpecChanged, storeKeysOf, TargetIndex, usesStore } from "./dependents.ts";
import { allInformers, makeInformers } from "./informers.ts";
import { wireClusterExternalSecrets } from "./cluster-external-secrets.ts";
import { shardFilter } from "./shard-filter.ts";
import { StoreRecovery } from "./store-recovery.ts";
import { namespaceLabelCache, namespaceTerminating } from "./namespace-labels.ts";
import { registerObservedMetrics } from "./observed-metrics.ts";
import { ManifestWriter } from "../reconcilers/external-secret/manifest-target/writer.ts";
import { ManifestWatches, RETAIN_EVERY_MS, watchKey } from "./manifest-watches.ts";
import { manifestKindOrUndefined } from "./dependents.ts";
import { RolloutRestarter, type RestartBudget } from "../reconcilers/rollout-restart/restarter.ts";
import { dataDigestOf } from "../reconcilers/external-secret/desired-secret.ts";
import { workloadApi } from "../kube/workloads.ts";
import { patchConditionsAt } from "../kube/status.ts";
import { wireRefreshReceivers, type ReceiverOptions } from "./refresh-receivers.ts";
import { labelOwnPod } from "../kube/own-pod-label.ts";
import { wirePushSecrets } from "./push-secrets.ts";
import { wireClusterPushSecrets } from "./cluster-push-secrets.ts";
import { ShardMembership } from "../controller/shards/membership.ts";
import { ExternalSecretSlots, keyedSlot, slotGate, slotOfObject, type KeyGate } from "./auto-shards.ts";
import { registerShardMetrics } from "./shard-metrics.ts";
import { isSlim, slimExternalSecret } from "./slim-external-secret.ts";
import { WholeExternalSecrets } from "./whole-external-secrets.ts";
import { errorMessage } from "../controller/logging.ts";
import { wireGeneratorStates, type GeneratorStateOptions } from "./generator-states.ts";

/** ESO's --generator-gc-grace-period default. */
export const DEFAULT_GENERATOR_GC_GRACE_MS = 2 * 60 * 1000;

/** A slot handover bringing more reduced ExternalSecrets than this is made whole by one list, not a read each. */
const WHOLE_BY_LIST_FROM = 50;

export interface OperatorOptions {
  kc: KubeConfig;
  log: Logger;
  providers: ReadonlyArray<Provider<any>>;
  metrics?: OperatorMetrics;
  workers?: number;
  /** Watch only these namespaces (comma-separated, or one); ClusterSecretStores are still read cluster-wide. */
  namespace?: string;
  leaderElection?: { namespace: string; name?: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number } | false;
  /** Shared read cache: the longest a read is reused (callers ask for less) and its byte bound. */
  fetchCache?: { ttlMs: number; maxBytes: number };
  /** Request budget for stores without spec.rateLimit (none: only the provider's own limits apply). */
  defaultRateLimit?: { requestsPerSecond: number; burst?: number };
  /** Floor under ExternalSecret and store refresh intervals (--min-refresh-interval; none: no floor). */
  minRefreshIntervalMs?: number;
  /** false: the operator may not create ServiceAccount tokens (--service-account-token-requests=false); referent auth fails with a clear condition. */
  serviceAccountTokenRequests?: boolean;
  /** --allow-ambient-credentials-for-namespaced-stores: SecretStores may use the operator's own identity (default: no). */
  allowAmbientCredentialsForNamespacedStores?: boolean;
  /** Which Normal Events are written (Warnings always are); default: all, within a budget. */
  normalEvents?: NormalEventPolicy;
  /**
   * Run the ClusterExternalSecret controller (ESO's --enable-cluster-external-secret-reconciler). Default: yes, unless
   * `namespace` restricts the operator; asked for explicitly with `namespace`, it provisions only into those namespaces
   * (it still reads ClusterExternalSecrets and Namespaces cluster-wide). Two such installations would fight over the
   * ClusterExternalSecrets' status: enable it in one.
   */
  clusterExternalSecrets?: boolean | undefined;
  /**
   * ESO's --unsafe-allow-generic-targets: ExternalSecrets may render into ConfigMaps and custom resources
   * (target.manifest) of the kinds RBAC grants the operator. Off: they fail with a condition naming the flag.
   */
  allowGenericTargets?: boolean;
  /**
   * spec.target.rolloutRestartTargets (--rollout-restarts): on by default; false ignores the field (RBAC for
   * patching workloads is then not needed). `budget` is per namespace; `debounceMs` joins changes to one restart.
   * `reloaderAnnotations` (--reloader-annotations, default on): Stakater Reloader's workload annotations too
   * (needs list on the three kinds).
   */
  rolloutRestarts?: { enabled: boolean; budget?: RestartBudget; debounceMs?: number; reloaderAnnotations?: boolean };
  /**
   * Manual shards (--watch-label-selector, Flux's convention): this replica sees only the ExternalSecrets and
   * ClusterExternalSecrets the selector admits (the apiserver filters), and reconciles only the stores it admits
   * (all stores stay in its cache: any ExternalSecret may use any store). Each shard runs its own leader election.
   */
  watchLabelSelector?: string;
  /**
   * Automatic shards (--shards auto): every replica works, each the slots rendezvous hashing gives it among the
   * live members (member Leases in `namespace`, named after `fleet`); replaces leader election. Off: as before.
   */
  autoShards?: { namespace: string; fleet?: string; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number } | undefined;
  /** Run the PushSecret controller (ESO's --enable-push-secret-reconciler); default: on. */
  pushSecrets?: boolean | undefined;
  /**
   * Run the ClusterPushSecret controller (ESO's --enable-cluster-push-secret-reconciler). Default as
   * `clusterExternalSecrets`: yes, unless `namespace` restricts the operator (then, asked for, only into those).
   */
  clusterPushSecrets?: boolean | undefined;
  /**
   * GeneratorStates (ESO's --enable-generator-state, on by default): what stateful generators make (Vault leases,
   * tokens) is revoked once replaced, after `gracePeriodMs` (--generator-gc-grace-period, default 2m). The signing
   * key lives in `keyNamespace` (default: the leader-election or shard namespace). false: off.
   */
  generatorStates?: Partial<GeneratorStateOptions> | false;
  /** RefreshReceivers (issue 20): served on their own listener when set (--receiver-bind-address); off by default. */
  receivers?: ReceiverOptions | undefined;
  /** Called when leadership is lost; the daemon exits so work from the lost term cannot continue. */
  onLostLeadership?: () => void;
  clock?: Clock;
}

export interface Operator {
  clients: KubeClients;
  sessions: StoreSessions;
  /** Caches synced (and, with leader election, whether this replica leads is separate). */
  ready(): boolean;
  isLeader(): boolean;
  /** The port the webhook receiver listens on (undefined: receivers are off). */
  receiverPort(): number | undefined;
  stop(): Promise<void>;
}

export async function startOperator(opts: OperatorOptions): Promise<Operator> {
  const { kc, log } = opts;
  const clock = opts.clock ?? realClock;
  if (opts.autoShards && opts.leaderElection) throw new Error("--shards auto replaces leader election: every replica works its share");
  const clients = makeClients(kc, { tokenRequests: opts.serviceAccountTokenRequests ?? true });
  const registry = new ProviderRegistry(opts.providers);
  const cache = new FetchCache(opts.fetchCache ?? { ttlMs: 10_000, maxBytes: 64 * 1024 * 1024 });
  // ExternalSecrets an outage failed are woken when their provider answers again (the queue exists by then).
  const recovery = new StoreRecovery(
    (keys) => {
      for (const key of keys) esQueue.add(key, Priority.Normal);
    },
    { clock },
  );
  const sessions = new StoreSessions({
    onProviderAnswer: (storeKey, available) => recovery.providerAnswered(storeKey, available),
    registry,
    clients,
    log,
    cache,
    defaultRateLimit: opts.defaultRateLimit,
    minRefreshIntervalMs: opts.minRefreshIntervalMs,
    allowAmbientForNamespaced: opts.allowAmbientCredentialsForNamespacedStores,
  });
  const events = eventRecorder(clients, log, { normal: opts.normalEvents, onDropped: (reason) => opts.metrics?.eventsDropped.inc({ reason }) });
  const watchedNamespaces = (opts.namespace ?? "").split(",").map((ns) => ns.trim()).filter(Boolean);
  const cesEnabled = opts.clusterExternalSecrets ?? watchedNamespaces.length === 0;
  if (opts.clusterExternalSecrets === undefined && !cesEnabled) log.info("ClusterExternalSecret controller off: --namespace restricts the operator to some namespaces");
  const cpsEnabled = opts.clusterPushSecrets ?? watchedNamespaces.length === 0;
  if (opts.clusterPushSecrets === undefined && !cpsEnabled) log.info("ClusterPushSecret controller off: --namespace restricts the operator to some namespaces");
  const pushEnabled = opts.pushSecrets !== false;
  const shard = opts.watchLabelSelector ? shardFilter(opts.watchLabelSelector) : undefined;
  const identity = `${hostname()}_${randomUUID()}`;
  // Automatic shards: slots change hands only through the members' claims (see controller/shards/membership.ts).
  const membership = opts.autoShards
    ? new ShardMembership({
        kc,
        namespace: opts.autoShards.namespace,
        fleet: opts.autoShards.fleet ?? "secrets-bridge-leader",
        identity,
        leaseDurationMs: opts.autoShards.leaseDurationMs,
        renewDeadlineMs: opts.autoShards.renewDeadlineMs,
        retryPeriodMs: opts.autoShards.retryPeriodMs,
        log,
        clock,
        onAcquired: (slots) => slotsAcquired(slots),
        onReleased: (slots) => slotsReleased(slots),
      })
    : undefined;
  const esSlots = membership ? new ExternalSecretSlots(membership.slotCount) : undefined;
  /** The slot of an object of any sharded kind (one keying rule for gates, metrics and session release). */
  const slotOfKind = membership && esSlots ? slotOfObject(membership.slotCount, esSlots) : undefined;
  // Sharded, the ExternalSecrets of other replicas' slots are cached reduced (slim-external-secret.ts).
  const slimUnlessWorkedHere =
    membership && esSlots
      ? (es: ExternalSecret) => {
          if (!membership.owns(esSlots.slotFor(es))) slimExternalSecret(es);
        }
      : undefined;
  const informers = makeInformers(kc, clients, log, watchedNamespaces, {
    clusterExternalSecrets: cesEnabled,
    clusterPushSecrets: cpsEnabled,
    refreshReceivers: opts.receivers !== undefined,
    pushSecrets: pushEnabled,
    generatorStates: opts.generatorStates !== false,
    ...(shard ? { shardSelector: shard.selector } : {}),
    ...(slimUnlessWorkedHere ? { externalSecretTransform: slimUnlessWorkedHere } : {}),
  });
  const index = new TargetIndex();
  const gateFor = (kind: string): { gate?: KeyGate } => (membership ? { gate: slotGate(membership, keyedSlot(kind, membership.slotCount)) } : {});
  const esQueue = new WorkQueue({ clock, log });
  const externalSecretAt = (key: string) => {
    const slash = key.indexOf("/");
    return informers.externalSecrets.get(key.slice(slash + 1), key.slice(0, slash));
  };
  // A reduced ExternalSecret about to be worked is read whole first; the gate lets it through once it is.
  const wholeExternalSecrets = membership
    ? new WholeExternalSecrets({
        clients,
        informer: informers.externalSecrets,
        log,
        onFetched: (key, whole) => (whole ? esQueue.add(key, Priority.High) : esQueue.addAfter(key, 1000)),
      })
    : undefined;
  const externalSecretGate = (members: ShardMembership, slots: ExternalSecretSlots): KeyGate => ({
    enter: (key) => {
      const slot = slots.slot(key);
      if (!members.owns(slot)) return undefined;
      const es = externalSecretAt(key);
      if (es && isSlim(es)) {
        wholeExternalSecrets?.request(key);
        return undefined;
      }
      return members.enter(slot);
    },
  });
  const storeQueue = new WorkQueue({ clock, log });
  // With the namespace watch (ClusterExternalSecrets or ClusterPushSecrets on) its cache answers; otherwise a live GET with a short cache.
  const watchedLabels = informers.namespaces;
  const namespaceLabels = watchedLabels
    ? async (name: string) => {
        const namespace = watchedLabels.get(name);
        return namespace ? (namespace.metadata?.labels ?? {}) : undefined;
      }
    : namespaceLabelCache(clients);

  const storeByKey = (key: string): SecretStore | undefined => {
    const [kind, namespace, name] = key.split("/") as [string, string, string];
    return kind === "ClusterSecretStore" ? informers.clusterSecretStores.get(name) : informers.secretStores.get(name, namespace);
  };
  const wakeDependents = (store: SecretStore, priority: Priority = Priority.High) => {
    for (const es of informers.externalSecrets.list()) if (usesStore(es, store)) esQueue.add(esKey(es), priority);
  };

  const manifestWriter = opts.allowGenericTargets ? new ManifestWriter(kc) : undefined;
  const manifestWatches = manifestWriter
    ? new ManifestWatches(kc, manifestWriter, log, watchedNamespaces, (kind, namespace, name) => {
        for (const key of index.writersOf(namespace, name, kind)) esQueue.add(key);
      })
    : undefined;
  const restarter =
    opts.rolloutRestarts?.enabled === false
      ? undefined
      : new RolloutRestarter({
          clock,
          log: log.child({ component: "rollout-restart" }),
          events,
          workloads: workloadApi(kc),
          externalSecrets: (namespace) => informers.externalSecrets.list(namespace),
          reloader:
            opts.rolloutRestarts?.reloaderAnnotations === false
              ? undefined
              : {
                  managedSecrets: (namespace) =>
                    informers.managedSecrets.list(namespace).map((secret) => ({ name: secret.metadata?.name ?? "", annotations: secret.metadata?.annotations ?? {} })),
                },
          secretDigest: (namespace, name) => {
            const secret = informers.managedSecrets.get(name, namespace);
            return secret && dataDigestOf(secret);
          },
          budget: opts.rolloutRestarts?.budget,
          debounceMs: opts.rolloutRestarts?.debounceMs,
          onResult: (namespace, kind, result) => opts.metrics?.rolloutRestarts.inc({ namespace, kind, result }),
          writeConditions: (es, conditions) => patchConditionsAt(clients, es, conditions),
        });
  // Generators (offline ones and the providers' own) and the tenant rules they run under, for ExternalSecrets and PushSecrets.
  const generators = { generators: servedGenerators(opts.providers), allowAmbientForNamespaced: opts.allowAmbientCredentialsForNamespacedStores ?? false };
  const report = (controller: string) => (_key: string, outcome: string, ms: number) => opts.metrics?.reconcileDuration.observe({ controller, outcome }, ms / 1000);
  const waited = (controller: string) => (priority: string, ms: number) => opts.metrics?.queueWait.observe({ controller, priority }, ms / 1000);
  const stateOptions = opts.generatorStates === false ? undefined : opts.generatorStates ?? {};
  const generatorStates =
    stateOptions && informers.generatorStates
      ? wireGeneratorStates({
          options: {
            gracePeriodMs: stateOptions.gracePeriodMs ?? DEFAULT_GENERATOR_GC_GRACE_MS,
            keyNamespace: stateOptions.keyNamespace ?? (opts.leaderElection ? opts.leaderElection.namespace : undefined) ?? opts.autoShards?.namespace ?? "default",
          },
          informers: { generatorStates: informers.generatorStates, externalSecrets: informers.externalSecrets, ...(informers.pushSecrets ? { pushSecrets: informers.pushSecrets } : {}) },
          clients,
          generators,
          events,
          log,
          clock,
          hooks: { onResult: report("generatorstate"), onDequeue: waited("generatorstate"), ...gateFor("GeneratorState") },
        })
      : undefined;
  const esReconcile = externalSecretReconciler({
    clients,
    sessions,
    events,
    clock,
    log,
    pipelineStatus: true,
    writer: new SecretWriter(clients),
    cache: {
      externalSecret: (namespace, name) => informers.externalSecrets.get(name, namespace),
      managedSecret: (namespace, name) => informers.managedSecrets.get(name, namespace),
      managedSecrets: (namespace) => informers.managedSecrets.list(namespace),
      store: (kind, name, namespace) => (kind === "ClusterSecretStore" ? informers.clusterSecretStores.get(name) : informers.secretStores.get(name, namespace)),
      namespaceLabels,
      namespaceTerminating: namespaceTerminating(clients, watchedLabels),
    },
    minRefreshIntervalMs: opts.minRefreshIntervalMs,
    onDataChanged: restarter && ((es, secret, digest) => restarter.dataChanged(es, secret, digest)),
    takeRefreshRequest: (key) => receivers?.requests.take(key),
    recoveredAt: (storeKey) => recovery.recoveredAt(storeKey),
    generators,
    ...(generatorStates ? { generatorStates: generatorStates.states } : {}),
    manifests: manifestWriter && { allowed: true, writer: manifestWriter, cached: (kind, namespace, name) => manifestWatches!.cached(kind, namespace, name) },
    onSync: (es, ok, providerUnavailable) => {
      const labels = { name: es.metadata.name, namespace: es.metadata.namespace ?? "" };
      opts.metrics?.syncCalls.inc(labels);
      if (!ok) opts.metrics?.syncErrors.inc(labels);
      // Only outages wait for a store to come back; other failures keep their backoff (a bad spec must not be
      // retried on every success of its neighbours).
      if (ok || providerUnavailable) recovery.synced(esKey(es), storeKeysOf(es), ok);
    },
  });
  const storeReconcile = secretStoreReconciler({ clients, store: storeByKey, registry, sessions, events, log, onBecameReady: wakeDependents, minRefreshIntervalMs: opts.minRefreshIntervalMs });

  const workers = opts.workers ?? 8;
  const controllers = [
    new Controller({
      name: "externalsecret",
      queue: esQueue,
      reconcile: esReconcile,
      workers,
      log,
      onResult: report("externalsecret"),
      onDequeue: waited("externalsecret"),
      ...(membership && esSlots ? { gate: externalSecretGate(membership, esSlots) } : {}),
    }),
    new Controller({ name: "secretstore", queue: storeQueue, reconcile: storeReconcile, workers: 2, log, onResult: report("secretstore"), onDequeue: waited("secretstore"), ...gateFor("store") }),
  ];
  const { clusterExternalSecrets, namespaces } = informers;
  const ces =
    clusterExternalSecrets && namespaces
      ? wireClusterExternalSecrets({
          informers: { clusterExternalSecrets, namespaces, externalSecrets: informers.externalSecrets },
          scope: watchedNamespaces,
          clients,
          events,
          log,
          clock,
          hooks: { onResult: report("clusterexternalsecret"), onDequeue: waited("clusterexternalsecret"), ...gateFor("ClusterExternalSecret") },
          ...(shard ? { shard } : {}),
        })
      : undefined;
  if (ces) controllers.push(ces.controller);
  if (generatorStates) controllers.push(generatorStates.controller);
  const { pushSecrets, clusterPushSecrets } = informers;
  const push = pushSecrets && pushEnabled
    ? wirePushSecrets({
        kc,
        informers: { pushSecrets, secretStores: informers.secretStores, clusterSecretStores: informers.clusterSecretStores },
        namespaceLabels,
        clients,
        sessions,
        events,
        log,
        clock,
        minRefreshIntervalMs: opts.minRefreshIntervalMs,
        generators,
        ...(generatorStates ? { generatorStates: generatorStates.states } : {}),
        hooks: { onResult: report("pushsecret"), onDequeue: waited("pushsecret"), ...gateFor("PushSecret") },
        onSync: (ps, result) => {
          const labels = { name: ps.metadata.name, namespace: ps.metadata.namespace ?? "" };
          if (!result.ok) opts.metrics?.pushSyncErrors.inc(labels);
          if (result.writes > 0) opts.metrics?.pushWrites.inc({ ...labels, operation: "write" }, result.writes);
          if (result.deletes > 0) opts.metrics?.pushWrites.inc({ ...labels, operation: "delete" }, result.deletes);
        },
        onReconciled: (namespace, name, ms) => {
          if (ms === undefined) opts.metrics?.pushReconcileDuration.remove({ name, namespace });
          else opts.metrics?.pushReconcileDuration.set({ name, namespace }, Math.round(ms * 1e6));
        },
      })
    : undefined;
  if (push) controllers.push(push.controller);
  const cps =
    clusterPushSecrets && namespaces && pushSecrets
      ? wireClusterPushSecrets({
          informers: { clusterPushSecrets, namespaces, pushSecrets },
          scope: watchedNamespaces,
          clients,
          events,
          log,
          clock,
          hooks: { onResult: report("clusterpushsecret"), onDequeue: waited("clusterpushsecret"), ...gateFor("ClusterPushSecret") },
          ...(shard ? { shard } : {}),
        })
      : undefined;
  if (cps) controllers.push(cps.controller);
  let controllersRunning = false;
  let elector: LeaderElector | undefined;
  // With leader election, not leading until the elector says so: the caches warm up before it exists, and a replica
  // reporting itself leader meanwhile (metrics, the receivers' readiness) would be one of two leaders.
  // Sharded, a replica "leads" while it works some slots.
  const leading = (): boolean => (membership ? membership.stats().slots > 0 : opts.leaderElection ? (elector?.isLeader() ?? false) : true);
  const { refreshReceivers } = informers;
  const receivers =
    opts.receivers && refreshReceivers
      ? wireRefreshReceivers({
          options: opts.receivers,
          informers: { refreshReceivers, externalSecrets: informers.externalSecrets, secretStores: informers.secretStores, clusterSecretStores: informers.clusterSecretStores },
          namespaceLabels,
          enqueueExternalSecret: (key, priority) => esQueue.add(key, priority),
          accepting: () => controllersRunning && leading(),
          sessions,
          clients,
          events,
          log,
          clock,
          hooks: { onResult: report("refreshreceiver"), onDequeue: waited("refreshreceiver") },
          onCall: (receiver, result) => opts.metrics?.receiverCalls.inc({ namespace: receiver?.namespace ?? "", name: receiver?.name ?? "", result }),
          // Sharded: any member takes a call and shares it; each refreshes its own ExternalSecrets, one writes the status.
          shared:
            membership && esSlots
              ? { works: (key) => membership.owns(esSlots.slot(key)), writesStatus: (key) => membership.owns(keyedSlot("RefreshReceiver", membership.slotCount)(key)) }
              : undefined,
        })
      : undefined;
  if (receivers) controllers.push(receivers.controller);

  informers.externalSecrets.onAdd((es) => {
    index.set(es);
    esSlots?.set(es);
    esQueue.add(esKey(es), Priority.High);
  });
  informers.externalSecrets.onUpdate((es, old) => {
    index.set(es);
    esSlots?.set(es);
    if (metadataOrSpecChanged(es, old)) esQueue.add(esKey(es), Priority.High);
  });
  informers.externalSecrets.onDelete((es) => {
    index.remove(es);
    esSlots?.remove(es);
    recovery.forget(esKey(es));
  });
  const storeReady = (store: SecretStore | undefined) => store?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
  // A store outside this shard is another replica's to validate; this one only reads it.
  const ownStore = (store: SecretStore) => !shard || shard.admits(store.metadata.labels);
  for (const storeInformer of [informers.secretStores, informers.clusterSecretStores]) {
    const enqueue = (store: SecretStore) => {
      if (ownStore(store)) storeQueue.add(storeQueueKey(store), Priority.High);
    };
    storeInformer.onAdd(enqueue);
    storeInformer.onUpdate((store, old) => {
      if (store.metadata.generation !== old?.metadata.generation || store.metadata.deletionTimestamp) enqueue(store);
      // A spec change re-syncs the store's ExternalSecrets now (the reconciler sees "store-changed"), not at their next refresh.
      if (store.metadata.generation !== old?.metadata.generation) wakeDependents(store, Priority.Normal);
      if (store.metadata.generation !== old?.metadata.generation || storeReady(store) !== storeReady(old)) push?.storeChanged(store);
      // Sharded, another replica may validate the store: its turning Ready, seen here, wakes this shard's readers.
      else if ((shard || membership) && storeReady(store) && !storeReady(old)) wakeDependents(store);
    });
    storeInformer.onDelete(enqueue);
  }
  const secretChanged = (secret: { metadata?: { name?: string; namespace?: string } }) => {
    for (const key of index.writersOf(secret.metadata?.namespace ?? "", secret.metadata?.name ?? "")) esQueue.add(key);
  };
  informers.managedSecrets.onUpdate(secretChanged);
  informers.managedSecrets.onDelete(secretChanged);
  const requeueAll = () => {
    for (const es of informers.externalSecrets.list()) esQueue.add(esKey(es));
    for (const store of [...informers.secretStores.list(), ...informers.clusterSecretStores.list()]) if (ownStore(store)) storeQueue.add(storeQueueKey(store));
    ces?.requeueAll();
    push?.requeueAll();
    cps?.requeueAll();
    receivers?.requeueAll();
    generatorStates?.requeueAll();
  };
  for (const [, informer] of allInformers(informers)) informer.onRestart(requeueAll);
  // Slots just given up: a store none of this replica's work reads any more keeps no session (no login, no token
  // renewals) here. A PushSecret may pick stores by label, so one worked here keeps every store of its namespace.
  const slotsReleased = (slots: ReadonlySet<number>) => {
    for (const key of esSlots?.keysIn(slots) ?? []) {
      const es = externalSecretAt(key);
      if (es) slimExternalSecret(es);
      // What the reconciler remembered of it (last check, stores seen) is the new owner's business now.
      esReconcile.forget(key);
    }
    void closeUnusedSessions();
  };
  const closeUnusedSessions = async () => {
    if (!membership || !slotOfKind) return;
    const worked = (kind: string, object: { metadata: { name: string; namespace?: string } }) => membership.owns(slotOfKind(kind, object));
    const keep = new Set<string>();
    for (const es of informers.externalSecrets.list()) if (worked("ExternalSecret", es)) for (const key of storeKeysOf(es)) keep.add(key);
    const pushNamespaces = new Set((informers.pushSecrets?.list() ?? []).filter((ps) => worked("PushSecret", ps)).map((ps) => ps.metadata.namespace ?? ""));
    for (const store of [...informers.secretStores.list(), ...informers.clusterSecretStores.list()]) {
      const pushedTo = store.kind === "ClusterSecretStore" ? pushNamespaces.size > 0 : pushNamespaces.has(store.metadata.namespace ?? "");
      if (pushedTo || worked(store.kind, store)) keep.add(storeKeyOf(store));
    }
    const closed = await sessions.closeExcept(keep);
    if (closed > 0) log.info({ closed, kept: sessions.activeCount() }, "closed the provider sessions of stores this replica no longer reads");
  };
  // Slots just taken (at start, from a member that left or died): their work is queued; the gates drop the rest.
  // Their ExternalSecrets are cached reduced: many are made whole by one list, a few by a read each (the gate).
  const slotsAcquired = async (slots: ReadonlySet<number>) => {
    const keys = esSlots?.keysIn(slots) ?? [];
    const reduced = keys.filter((key) => isSlim(externalSecretAt(key) ?? {})).length;
    if (reduced > WHOLE_BY_LIST_FROM) {
      try {
        const filled = await informers.externalSecrets.refill(isSlim);
        log.info({ reduced, filled }, "made the taken slots' ExternalSecrets whole with one list");
      } catch (err) {
        log.warn({ err: errorMessage(err) }, "could not list ExternalSecrets; reading the taken ones one by one");
      }
    }
    for (const key of keys) esQueue.add(key);
    for (const store of [...informers.secretStores.list(), ...informers.clusterSecretStores.list()]) if (ownStore(store)) storeQueue.add(storeQueueKey(store));
    ces?.requeueAll();
    push?.requeueAll();
    cps?.requeueAll();
    // A receiver whose slot came here gets its status written by this replica now, not at its next token check.
    receivers?.requeueAll();
    generatorStates?.requeueAll();
    if (restarter && esSlots) void restarter.resume(watchedNamespaces, (es) => slots.has(esSlots.slot(esKey(es))));
    // Webhook calls shared while these slots changed hands (a lease duration or two, a dead owner's included).
    if (receivers && esSlots) await receivers.actOnRecentCalls(2 * (opts.autoShards?.leaseDurationMs ?? 15_000), (key) => slots.has(esSlots.slot(key)));
  };

  // A kind nobody renders any more costs a watch connection until this sweep stops it.
  const sweep = manifestWatches
    ? setInterval(() => {
        const inUse = new Set(informers.externalSecrets.list().flatMap((es) => {
          const kind = manifestKindOrUndefined(es);
          return kind ? [watchKey(kind)] : [];
        }));
        void manifestWatches.retain(inUse);
      }, RETAIN_EVERY_MS).unref()
    : undefined;

  // Registered before anything starts: a registry that refuses (a name taken twice) must not leave watches running.
  if (opts.metrics) {
    const queues = { externalsecret: esQueue, secretstore: storeQueue, ...(ces ? { clusterexternalsecret: ces.queue } : {}), ...(push ? { pushsecret: push.queue } : {}), ...(cps ? { clusterpushsecret: cps.queue } : {}), ...(receivers ? { refreshreceiver: receivers.queue } : {}), ...(generatorStates ? { generatorstate: generatorStates.queue } : {}) };
    registerObservedMetrics(opts.metrics.registry, informers, queues, sessions, leading, () => restarter?.queued() ?? 0, slotOfKind && ((kind, object) => membership!.owns(slotOfKind(kind, object))));
    if (membership && esSlots) {
      registerShardMetrics(
        opts.metrics.registry,
        () => membership.stats(),
        () => informers.externalSecrets.list().filter((es) => membership.owns(esSlots.slot(esKey(es)))).length,
        () => informers.externalSecrets.list().filter(isSlim).length,
      );
    }
  }
  // Opened only after the metrics registration above could refuse (no listener left behind); 503 until controllers run.
  await receivers?.listen();
  const ownPod = opts.receivers?.ownPod;
  // A restarted container's Pod may still say "leader" from its previous term: standby until this process leads.
  if (ownPod && opts.leaderElection) await labelOwnPod(clients, ownPod, "standby", log);

  // Caches warm up on every replica so a standby can take over at once. The fan-out controllers need namespaces
  // and their children (ExternalSecrets, PushSecrets) complete before they may judge a child missing or outdated.
  await Promise.all([informers.secretStores.start(), informers.clusterSecretStores.start(), informers.managedSecrets.start(), namespaces?.start(), refreshReceivers?.start(), pushSecrets?.start(), informers.generatorStates?.start()]);
  // Sharded, the first membership step comes first: the ExternalSecrets' first list then keeps this replica's share whole.
  if (membership) {
    membership.start();
    await membership.firstStep();
  }
  await informers.externalSecrets.start();
  await clusterExternalSecrets?.start();
  await clusterPushSecrets?.start();
  const startControllers = () => {
    log.info({ workers }, "controllers starting");
    for (const controller of controllers) controller.start();
    // Sharded, restarts owed by a previous run are resumed slot by slot as this replica takes them (slotsAcquired).
    if (!membership) void restarter?.resume(watchedNamespaces);
    controllersRunning = true;
    // Sharded, every member takes calls: the Service selects no role, nothing to label.
    if (ownPod && !membership) void labelOwnPod(clients, ownPod, "leader", log);
  };

  if (opts.leaderElection) {
    const le = opts.leaderElection;
    elector = new LeaderElector({
      kc,
      namespace: le.namespace,
      name: le.name ?? "secrets-bridge-leader",
      identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      log,
      clock,
    });
    elector.run({
      onStartedLeading: () => {
        log.info("became leader");
        startControllers();
      },
      onStoppedLeading: () => {
        log.error("lost leadership");
        opts.onLostLeadership?.();
      },
    });
  } else {
    startControllers();
  }

  let stopped = false;
  return {
    clients,
    sessions,
    ready: () => allInformers(informers).every(([, informer]) => informer.hasSynced()),
    isLeader: leading,
    receiverPort: () => receivers?.port(),
    async stop() {
      if (stopped) return;
      stopped = true;
      log.info("draining");
      controllersRunning = false;
      await receivers?.stop();
      await Promise.all(controllers.map((controller) => controller.stop()));
      // After the controllers: no reconcile is in flight, so the member Lease can go and the others take over at once.
      await membership?.stop();
      await restarter?.drain();
      recovery.stop();
      await elector?.release();
      await elector?.stop();
      await Promise.all(allInformers(informers).map(([, informer]) => informer.stop()));
      clearInterval(sweep);
      await manifestWatches?.stop();
      await push?.stop();
      await sessions.closeAll();
      log.info("stopped");
    },
  };
}
