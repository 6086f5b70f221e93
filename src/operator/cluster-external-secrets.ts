// Wires the ClusterExternalSecret controller: its queue, the index of children by owner, and the events that
// wake a ClusterExternalSecret (its own changes, a namespace entering or leaving its selection, a child changed,
// deleted or turning Ready/not Ready). Status-only updates of the ClusterExternalSecret itself wake nothing.
import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { ClusterExternalSecret } from "../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import { Controller, type ControllerOptions } from "../controller/controller.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import type { Clock } from "../controller/clock.ts";
import type { KubeClients } from "../kube/clients.ts";
import type { EventRecorder } from "../kube/events.ts";
import { controllingCes } from "../reconcilers/cluster-external-secret/children.ts";
import { esoFinalizerOwners } from "../reconcilers/cluster-external-secret/eso-finalizers.ts";
import { clusterExternalSecretReconciler } from "../reconcilers/cluster-external-secret/reconciler.ts";
import { covers, type NamespaceInfo } from "../reconcilers/fan-out/selection.ts";
import { esKey, metadataOrSpecChanged } from "./dependents.ts";
import { GroupIndex } from "./group-index.ts";
import type { InformerLike } from "./multi-informer.ts";

type CesInformer = InformerLike<ClusterExternalSecret & KubernetesObject>;

export interface ClusterExternalSecretWiring {
  queue: WorkQueue;
  controller: Controller;
  requeueAll(): void;
}

export function namespaceInfo(namespace: V1Namespace): NamespaceInfo {
  const meta = namespace.metadata ?? {};
  return { name: meta.name ?? "", labels: meta.labels, terminating: Boolean(meta.deletionTimestamp), finalizers: meta.finalizers };
}

/** Whether the child reports Ready=False: the only state of a child that shows in its owner's status. */
const failing = (es: ExternalSecret | undefined) => es?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False";

/**
 * Child events reach the owner after this delay, coalesced: a fan-out over hundreds of namespaces makes hundreds
 * of child events in seconds, and each reconcile walks every namespace, so one per second is plenty.
 */
const CHILD_EVENT_DELAY_MS = 1_000;

/** A change of the ClusterExternalSecret we did not make ourselves: spec, labels/annotations (force-sync), deletion, finalizers. */
function cesChanged(next: ClusterExternalSecret, prev: ClusterExternalSecret | undefined): boolean {
  if (metadataOrSpecChanged(next, prev)) return true;
  return Boolean(next.metadata.deletionTimestamp) !== Boolean(prev?.metadata.deletionTimestamp) || JSON.stringify(next.metadata.finalizers ?? []) !== JSON.stringify(prev?.metadata.finalizers ?? []);
}

export function wireClusterExternalSecrets(deps: {
  informers: { clusterExternalSecrets: CesInformer; namespaces: InformerLike<V1Namespace>; externalSecrets: InformerLike<ExternalSecret & KubernetesObject> };
  /** The namespaces the operator is restricted to (empty: all); children go nowhere else. */
  scope: string[];
  clients: KubeClients;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue">;
  /** Manual shards: see ClusterExternalSecretReconcilerDeps.shard. */
  shard?: { selector: string; admits(labels: Record<string, string> | undefined): boolean };
}): ClusterExternalSecretWiring {
  const { clusterExternalSecrets, namespaces, externalSecrets } = deps.informers;
  const queue = new WorkQueue({ clock: deps.clock, log: deps.log });
  // ClusterExternalSecret name -> keys of the ExternalSecrets it controls.
  const children = new GroupIndex();
  const scope = new Set(deps.scope);
  const inScope = (namespace: V1Namespace) => scope.size === 0 || scope.has(namespace.metadata?.name ?? "");
  const enqueue = (name: string | undefined, priority: Priority = Priority.High) => {
    if (name !== undefined) queue.add(name, priority);
  };

  const reconcile = clusterExternalSecretReconciler({
    ...(deps.shard ? { shard: deps.shard } : {}),
    clients: deps.clients,
    events: deps.events,
    log: deps.log,
    cache: {
      clusterExternalSecret: (name) => clusterExternalSecrets.get(name),
      namespaces: () => namespaces.list().filter(inScope).map(namespaceInfo),
      externalSecret: (namespace, name) => externalSecrets.get(name, namespace),
      childrenOf: (owner) =>
        children.membersOf(owner).flatMap((key) => {
          const [namespace, name] = key.split("/") as [string, string];
          const es = externalSecrets.get(name, namespace);
          return es ? [es] : [];
        }),
    },
  });
  const controller = new Controller({ name: "clusterexternalsecret", queue, reconcile, workers: 2, log: deps.log, ...deps.hooks });

  clusterExternalSecrets.onAdd((ces) => enqueue(ces.metadata.name));
  clusterExternalSecrets.onUpdate((ces, old) => {
    if (cesChanged(ces, old)) enqueue(ces.metadata.name);
  });
  clusterExternalSecrets.onDelete((ces) => enqueue(ces.metadata.name, Priority.Normal));

  // A namespace wakes the ClusterExternalSecrets whose selection it enters or leaves (labels, creation, deletion),
  // and those whose ESO finalizer it carries.
  const namespaceChanged = (next: V1Namespace | undefined, prev: V1Namespace | undefined) => {
    if (!inScope((next ?? prev)!)) return;
    const now = next ? namespaceInfo(next) : undefined;
    const before = prev ? namespaceInfo(prev) : undefined;
    for (const ces of clusterExternalSecrets.list()) {
      const was = before ? covers(ces.spec, before) : false;
      const is = now ? covers(ces.spec, now) : false;
      if (was !== is) enqueue(ces.metadata.name);
    }
    for (const owner of esoFinalizerOwners(now?.finalizers)) if (now?.terminating || !clusterExternalSecrets.get(owner)) enqueue(owner, Priority.Normal);
  };
  namespaces.onAdd((ns) => namespaceChanged(ns, undefined));
  namespaces.onUpdate((ns, old) => namespaceChanged(ns, old));
  namespaces.onDelete((ns) => namespaceChanged(undefined, ns));

  // Children: ours to repair when someone edits or deletes them, and their Ready=False rolls up into the owner's status.
  const childEvent = (owner: string | undefined) => {
    if (owner !== undefined) queue.addAfter(owner, CHILD_EVENT_DELAY_MS, Priority.Normal);
  };
  externalSecrets.onAdd((es) => {
    children.set(esKey(es), controllingCes(es));
    childEvent(controllingCes(es));
  });
  externalSecrets.onUpdate((es, old) => {
    const owner = controllingCes(es);
    children.set(esKey(es), owner);
    const previousOwner = old ? controllingCes(old) : undefined;
    if (previousOwner !== owner) childEvent(previousOwner);
    if (previousOwner !== owner || metadataOrSpecChanged(es, old) || failing(es) !== failing(old)) childEvent(owner);
  });
  externalSecrets.onDelete((es) => {
    children.remove(esKey(es));
    childEvent(controllingCes(es));
  });

  return {
    queue,
    controller,
    requeueAll: () => {
      for (const ces of clusterExternalSecrets.list()) enqueue(ces.metadata.name, Priority.Normal);
    },
  };
}
