// The pure decision of a ClusterExternalSecret reconcile: which children to create, update or delete, which
// namespaces cannot have one, and which of ESO's namespace finalizers to drop. Nothing here talks to the apiserver.
import type { ClusterExternalSecret } from "../../api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import { childCurrent, childName, controllingCes, desiredChild } from "./children.ts";
import { esoNamespaceFinalizer } from "./eso-finalizers.ts";
import { covers, type NamespaceInfo } from "./selection.ts";

export const FOREIGN_CHILD = "external secret already exists in namespace";

export interface Plan {
  create: ExternalSecret[];
  update: ExternalSecret[];
  /** Children this ClusterExternalSecret controls that must go (namespace no longer covered, or an old name). */
  remove: ExternalSecret[];
  /** Namespaces covered but held by an ExternalSecret of that name that the ClusterExternalSecret does not control. */
  foreign: string[];
  /** Covered namespaces whose child exists and is current, or is about to be written (sorted). */
  covered: string[];
  /** Namespaces carrying ESO's finalizer for this ClusterExternalSecret that no longer need it. */
  releaseFinalizer: string[];
}

export interface PlanInput {
  ces: ClusterExternalSecret;
  namespaces: Iterable<NamespaceInfo>;
  /** The ExternalSecret of that name in that namespace, whoever made it. */
  existing(namespace: string, name: string): ExternalSecret | undefined;
  /** Every ExternalSecret whose controller is this ClusterExternalSecret (any name, any namespace). */
  children: Iterable<ExternalSecret>;
}

export function planChildren(input: PlanInput): Plan {
  const { ces } = input;
  const name = childName(ces);
  const finalizer = esoNamespaceFinalizer(ces.metadata.name);
  const plan: Plan = { create: [], update: [], remove: [], foreign: [], covered: [], releaseFinalizer: [] };
  const coveredSet = new Set<string>();
  for (const namespace of input.namespaces) {
    const wanted = covers(ces.spec, namespace);
    // ESO holds a finalizer on each namespace it provisions; we rely on ownerReferences, so it only needs to go
    // where it would block a namespace deletion or outlive the reason it was set.
    if (!wanted && namespace.finalizers?.includes(finalizer)) plan.releaseFinalizer.push(namespace.name);
    if (!wanted) continue;
    const existing = input.existing(namespace.name, name);
    if (existing && controllingCes(existing) !== ces.metadata.name) {
      plan.foreign.push(namespace.name);
      continue;
    }
    coveredSet.add(namespace.name);
    plan.covered.push(namespace.name);
    const desired = desiredChild(ces, namespace.name, existing);
    if (!existing) plan.create.push(desired);
    else if (!childCurrent(existing, desired)) plan.update.push(desired);
  }
  for (const child of input.children) {
    if (controllingCes(child) !== ces.metadata.name) continue;
    if (child.metadata.name !== name || !coveredSet.has(child.metadata.namespace ?? "")) plan.remove.push(child);
  }
  plan.covered.sort();
  plan.foreign.sort();
  return plan;
}
