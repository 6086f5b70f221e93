// The pure decision of a fan-out reconcile (ClusterExternalSecret, ClusterPushSecret): which children to create,
// update or delete, which namespaces cannot have one, and which of ESO's namespace finalizers to drop. Nothing here
// talks to the apiserver.
import { childCurrent, type Child } from "./children.ts";
import { covers, type NamespaceInfo, type Selection } from "./selection.ts";

export interface FanOutPlan<T extends Child> {
  create: T[];
  update: T[];
  /** Children the owner controls that must go (namespace no longer covered, or an old name). */
  remove: T[];
  /** Namespaces covered but held by a child of that name that the owner does not control. */
  foreign: string[];
  /** Covered namespaces whose child exists and is current, or is about to be written (sorted). */
  covered: string[];
  /** Namespaces carrying ESO's finalizer for this owner that no longer need it. */
  releaseFinalizer: string[];
}

export interface FanOutInput<T extends Child> {
  /** The owner's name and namespace selection. */
  owner: { name: string; selection: Selection };
  /** The name every child has now. */
  childName: string;
  namespaces: Iterable<NamespaceInfo>;
  /** The child-kind object of that name in that namespace, whoever made it. */
  existing(namespace: string, name: string): T | undefined;
  /** Every object whose controller is the owner (any name, any namespace). */
  children: Iterable<T>;
  /** The name of the object of the owner's kind controlling `child`, if any. */
  controller(child: T): string | undefined;
  /** The child wanted in `namespace`, built over `existing` when there is one. */
  desired(namespace: string, existing: T | undefined): T;
  /** ESO's finalizer for this owner on provisioned namespaces (ClusterExternalSecret only). */
  namespaceFinalizer?: string;
}

export function planFanOut<T extends Child>(input: FanOutInput<T>): FanOutPlan<T> {
  const { owner, childName: name } = input;
  const plan: FanOutPlan<T> = { create: [], update: [], remove: [], foreign: [], covered: [], releaseFinalizer: [] };
  const coveredSet = new Set<string>();
  for (const namespace of input.namespaces) {
    const wanted = covers(owner.selection, namespace);
    // ESO holds a finalizer on each namespace it provisions; we rely on ownerReferences, so it only needs to go
    // where it would block a namespace deletion or outlive the reason it was set.
    if (!wanted && input.namespaceFinalizer && namespace.finalizers?.includes(input.namespaceFinalizer)) plan.releaseFinalizer.push(namespace.name);
    if (!wanted) continue;
    const existing = input.existing(namespace.name, name);
    if (existing && input.controller(existing) !== owner.name) {
      plan.foreign.push(namespace.name);
      continue;
    }
    coveredSet.add(namespace.name);
    plan.covered.push(namespace.name);
    const desired = input.desired(namespace.name, existing);
    if (!existing) plan.create.push(desired);
    else if (!childCurrent(existing, desired)) plan.update.push(desired);
  }
  for (const child of input.children) {
    if (input.controller(child) !== owner.name) continue;
    if (child.metadata.name !== name || !coveredSet.has(child.metadata.namespace ?? "")) plan.remove.push(child);
  }
  plan.covered.sort();
  plan.foreign.sort();
  return plan;
}
