// Wires a fan-out controller (ClusterExternalSecret, ClusterPushSecret): its queue, the index of children by owner,
// and the events that wake an owner: its own changes, a namespace entering or leaving its selection, a child
// changed, deleted or turning Ready/not Ready. Status-only updates of the owner itself wake nothing.
import type { KubernetesObject, V1Namespace } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { ObjectMeta } from "../api/common.ts";
import { Controller, type ControllerOptions, type ReconcileResult } from "../controller/controller.ts";
import { Priority, WorkQueue } from "../controller/work-queue.ts";
import type { Clock } from "../controller/clock.ts";
import type { KubeClients } from "../kube/clients.ts";
import type { EventRecorder } from "../kube/events.ts";
import { covers, type NamespaceInfo, type Selection } from "../reconcilers/fan-out/selection.ts";
import { esKey, metadataOrSpecChanged } from "./dependents.ts";
import { GroupIndex } from "./group-index.ts";
import type { InformerLike } from "./multi-informer.ts";

type Owner = { metadata: ObjectMeta & { finalizers?: string[] }; spec: Selection };
type Child = { metadata: ObjectMeta; status?: { conditions?: Array<{ type: string; status: string }> | undefined } | undefined };

/** What a cluster-scoped fan-out controller's wiring needs besides its informers (ClusterExternalSecret, ClusterPushSecret). */
export interface FanOutControllerDeps {
  /** The namespaces the operator is restricted to (empty: all); children go nowhere else. */
  scope: string[];
  clients: KubeClients;
  events: EventRecorder;
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue" | "gate">;
  /** Manual shards: an owner whose children the shard would not see is refused (NotInShard). */
  shard?: { selector: string; admits(labels: Record<string, string> | undefined): boolean };
}

export interface FanOutWiring {
  queue: WorkQueue;
  controller: Controller;
  requeueAll(): void;
}

/** What the reconciler reads, from the informers' caches. */
export interface FanOutCache<O, C> {
  owner(name: string): O | undefined;
  namespaces(): NamespaceInfo[];
  child(namespace: string, name: string): C | undefined;
  childrenOf(owner: string): C[];
}

export function namespaceInfo(namespace: V1Namespace): NamespaceInfo {
  const meta = namespace.metadata ?? {};
  return { name: meta.name ?? "", labels: meta.labels, terminating: Boolean(meta.deletionTimestamp), finalizers: meta.finalizers };
}

/** Whether the child reports Ready=False: the only state of a child that shows in its owner's status. */
const failing = (child: Child | undefined) => child?.status?.conditions?.find((c) => c.type === "Ready")?.status === "False";

/**
 * Child events reach the owner after this delay, coalesced: a fan-out over hundreds of namespaces makes hundreds
 * of child events in seconds, and each reconcile walks every namespace, so one per second is plenty.
 */
const CHILD_EVENT_DELAY_MS = 1_000;

/** A change of the owner we did not make ourselves: spec, labels/annotations (force-sync), deletion, finalizers. */
function ownerChanged(next: Owner, prev: Owner | undefined): boolean {
  if (metadataOrSpecChanged(next, prev)) return true;
  return Boolean(next.metadata.deletionTimestamp) !== Boolean(prev?.metadata.deletionTimestamp) || JSON.stringify(next.metadata.finalizers ?? []) !== JSON.stringify(prev?.metadata.finalizers ?? []);
}

export function wireFanOut<O extends Owner, C extends Child>(deps: {
  /** The controller's name (queue metrics, logs): clusterexternalsecret, clusterpushsecret. */
  name: string;
  informers: { owners: InformerLike<O & KubernetesObject>; namespaces: InformerLike<V1Namespace>; children: InformerLike<C & KubernetesObject> };
  /** The namespaces the operator is restricted to (empty: all); children go nowhere else. */
  scope: string[];
  /** The name of the owner controlling a child, if one of this kind does. */
  controllerOf(child: C): string | undefined;
  reconciler(cache: FanOutCache<O, C>): (key: string) => Promise<ReconcileResult>;
  /** Owners to wake for a namespace beyond those whose selection it enters or leaves (ESO's leftover finalizers). */
  alsoWake?(namespace: NamespaceInfo | undefined): string[];
  log: Logger;
  clock: Clock;
  hooks: Pick<ControllerOptions, "onResult" | "onDequeue" | "gate">;
}): FanOutWiring {
  const { owners, namespaces, children: childInformer } = deps.informers;
  const queue = new WorkQueue({ clock: deps.clock, log: deps.log });
  // Owner name -> keys of the children it controls.
  const children = new GroupIndex();
  const scope = new Set(deps.scope);
  const inScope = (namespace: V1Namespace) => scope.size === 0 || scope.has(namespace.metadata?.name ?? "");
  const enqueue = (name: string | undefined, priority: Priority = Priority.High) => {
    if (name !== undefined) queue.add(name, priority);
  };

  const reconcile = deps.reconciler({
    owner: (name) => owners.get(name),
    namespaces: () => namespaces.list().filter(inScope).map(namespaceInfo),
    child: (namespace, name) => childInformer.get(name, namespace),
    childrenOf: (owner) =>
      children.membersOf(owner).flatMap((key) => {
        const [namespace, name] = key.split("/") as [string, string];
        const child = childInformer.get(name, namespace);
        return child ? [child] : [];
      }),
  });
  const controller = new Controller({ name: deps.name, queue, reconcile, workers: 2, log: deps.log, ...deps.hooks });

  owners.onAdd((owner) => enqueue(owner.metadata.name));
  owners.onUpdate((owner, old) => {
    if (ownerChanged(owner, old)) enqueue(owner.metadata.name);
  });
  owners.onDelete((owner) => enqueue(owner.metadata.name, Priority.Normal));

  // A namespace wakes the owners whose selection it enters or leaves (labels, creation, deletion).
  const namespaceChanged = (next: V1Namespace | undefined, prev: V1Namespace | undefined) => {
    if (!inScope((next ?? prev)!)) return;
    const now = next ? namespaceInfo(next) : undefined;
    const before = prev ? namespaceInfo(prev) : undefined;
    for (const owner of owners.list()) {
      const was = before ? covers(owner.spec, before) : false;
      const is = now ? covers(owner.spec, now) : false;
      if (was !== is) enqueue(owner.metadata.name);
    }
    for (const owner of deps.alsoWake?.(now) ?? []) enqueue(owner, Priority.Normal);
  };
  namespaces.onAdd((ns) => namespaceChanged(ns, undefined));
  namespaces.onUpdate((ns, old) => namespaceChanged(ns, old));
  namespaces.onDelete((ns) => namespaceChanged(undefined, ns));

  // Children: ours to repair when someone edits or deletes them, and their Ready=False rolls up into the owner's status.
  const childEvent = (owner: string | undefined) => {
    if (owner !== undefined) queue.addAfter(owner, CHILD_EVENT_DELAY_MS, Priority.Normal);
  };
  childInformer.onAdd((child) => {
    children.set(esKey(child), deps.controllerOf(child));
    childEvent(deps.controllerOf(child));
  });
  childInformer.onUpdate((child, old) => {
    const owner = deps.controllerOf(child);
    children.set(esKey(child), owner);
    const previousOwner = old ? deps.controllerOf(old) : undefined;
    if (previousOwner !== owner) childEvent(previousOwner);
    if (previousOwner !== owner || metadataOrSpecChanged(child, old) || failing(child) !== failing(old)) childEvent(owner);
  });
  childInformer.onDelete((child) => {
    children.remove(esKey(child));
    childEvent(deps.controllerOf(child));
  });

  return {
    queue,
    controller,
    requeueAll: () => {
      for (const owner of owners.list()) enqueue(owner.metadata.name, Priority.Normal);
    },
  };
}
