// Wires the PushSecret controller: its queue, the per-namespace watches of source Secrets, and the events that wake
// a PushSecret (its own spec, metadata, deletion or finalizer changes; a change of a Secret it selects; a change of
// a store of a kind it uses). Status-only updates of the PushSecret itself wake nothing.
import type { KubernetesObject, V1Secret } from "@kubernetes/client-node";
import type { KubeConfig } from "../kube/http/index.ts";
import type { Logger } from "pino";
import type { PushSecret } from "../api/push-secret.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { Controller, type ControllerOptions } from "../controller/controller.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import type { Clock } from "../controller/clock.ts";
import type { KubeClients } from "../kube/clients.ts";
import type { EventRecorder } from "../kube/events.ts";
import { matchesSelector } from "../kube/label-selector.ts";
import type { StoreSessions } from "../provider/sessions.ts";
import { pushSecretReconciler, type PushSecretReconcilerDeps } from "../reconcilers/push-secret/reconciler.ts";
import { esKey, metadataOrSpecChanged } from "./dependents.ts";
import type { InformerLike } from "./multi-informer.ts";
import { SourceSecretWatches } from "./source-secret-watches.ts";

type PushSecretInformer = InformerLike<PushSecret & KubernetesObject>;
type StoreInformer = InformerLike<SecretStore & KubernetesObject>;

export interface PushSecretWiring {
  queue: WorkQueue;
  controller: Controller;
  requeueAll(): void;
  /** A store changed (spec or readiness): the PushSecrets that may use it are reconciled again. */
  storeChanged(store: SecretStore): void;
  stop(): Promise<void>;
}

/** Whether a PushSecret selects this Secret (by name, or by labels). */
function selects(ps: PushSecret, secret: V1Secret): boolean {
  const selector = ps.spec.selector.secret;
  if (selector?.name) return selector.name === secret.metadata?.name;
  return selector?.selector !== undefined && matchesSelector(selector.selector, secret.metadata?.labels ?? {});
}

/** Whether a PushSecret may write to the store: it names it, or selects stores of its kind by labels. */
function mayUse(ps: PushSecret, store: SecretStore): boolean {
  if (store.kind === "SecretStore" && store.metadata.namespace !== ps.metadata.namespace) return false;
  return ps.spec.secretStoreRefs.some((ref) => (ref.kind ?? "SecretStore") === store.kind && (ref.labelSelector !== undefined || ref.name === store.metadata.name));
}

function changedByOthers(next: PushSecret, prev: PushSecret | undefined): boolean {
  if (metadataOrSpecChanged(next, prev)) return true;
  return Boolean(next.metadata.deletionTimestamp) !== Boolean(prev?.metadata.deletionTimestamp) || JSON.stringify(next.metadata.finalizers ?? []) !== JSON.stringify(prev?.metadata.finalizers ?? []);
}

export function wirePushSecrets(deps: {
  kc: KubeConfig;
  informers: { pushSecrets: PushSecretInformer; secretStores: StoreInformer; clusterSecretStores: StoreInformer };
  namespaceLabels: PushSecretReconcilerDeps["cache"]["namespaceLabels"];
  clients: KubeClients;
  sessions: StoreSessions;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  minRefreshIntervalMs?: number | undefined;
  workers?: number;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue" | "gate">;
  onSync?: PushSecretReconcilerDeps["onSync"];
  generators?: PushSecretReconcilerDeps["generators"];
  generatorStates?: PushSecretReconcilerDeps["generatorStates"];
  /** Each reconcile's duration for the PushSecret that still exists (ms), or undefined once it is gone. */
  onReconciled?: (namespace: string, name: string, ms: number | undefined) => void;
}): PushSecretWiring {
  const { pushSecrets, secretStores, clusterSecretStores } = deps.informers;
  const log = deps.log.child({ controller: "pushsecret" });
  const queue = new WorkQueue({ clock: deps.clock, log });
  const enqueue = (ps: PushSecret, priority: Priority = Priority.High) => queue.add(esKey(ps), priority);
  const sources = new SourceSecretWatches(deps.kc, deps.clients, log, (namespace, secret) => {
    for (const ps of pushSecrets.list(namespace)) if (selects(ps, secret) || ps.spec.selector.secret?.selector) enqueue(ps);
  });

  const reconcile = pushSecretReconciler({
    clients: deps.clients,
    sessions: deps.sessions,
    events: deps.events,
    clock: deps.clock,
    log,
    minRefreshIntervalMs: deps.minRefreshIntervalMs,
    watchSources: (namespace) => sources.ensure(namespace),
    ...(deps.onSync ? { onSync: deps.onSync } : {}),
    ...(deps.generators ? { generators: deps.generators } : {}),
    ...(deps.generatorStates ? { generatorStates: deps.generatorStates } : {}),
    cache: {
      pushSecret: (namespace, name) => pushSecrets.get(name, namespace),
      sourceSecrets: (namespace) => sources.list(namespace),
      store: (kind, name, namespace) => (kind === "ClusterSecretStore" ? clusterSecretStores.get(name) : secretStores.get(name, namespace)),
      storesOfKind: (kind, namespace) => (kind === "ClusterSecretStore" ? clusterSecretStores.list() : secretStores.list(namespace)),
      namespaceLabels: deps.namespaceLabels,
    },
  });
  const timed = async (key: string) => {
    const started = performance.now();
    try {
      return await reconcile(key);
    } finally {
      const [namespace, name] = key.split("/") as [string, string];
      deps.onReconciled?.(namespace, name, pushSecrets.get(name, namespace) ? performance.now() - started : undefined);
    }
  };
  const controller = new Controller({ name: "pushsecret", queue, reconcile: timed, workers: deps.workers ?? 4, log, ...deps.hooks });

  pushSecrets.onAdd((ps) => enqueue(ps));
  pushSecrets.onUpdate((ps, old) => {
    if (changedByOthers(ps, old)) enqueue(ps);
  });
  pushSecrets.onDelete((ps) => {
    enqueue(ps, Priority.Normal);
    // A namespace's Secret watch lives as long as the namespace has PushSecrets.
    void sources.retain(new Set(pushSecrets.list().map((each) => each.metadata.namespace ?? "")));
  });

  return {
    queue,
    controller,
    requeueAll: () => {
      for (const ps of pushSecrets.list()) enqueue(ps, Priority.Normal);
    },
    storeChanged: (store) => {
      for (const ps of pushSecrets.list(store.kind === "SecretStore" ? store.metadata.namespace : undefined)) if (mayUse(ps, store)) enqueue(ps, Priority.Normal);
    },
    stop: () => sources.stop(),
  };
}
