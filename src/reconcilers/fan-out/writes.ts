// The apiserver writes of a fan-out's children (ExternalSecrets, PushSecrets): create, replace with their
// resourceVersion, delete with a uid precondition.
import { GROUP } from "../../api/common.ts";
import { FIELD_MANAGER } from "../../api/markers.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isNotFound } from "../../kube/errors.ts";
import type { Child } from "./children.ts";

/** The children's resource: externalsecrets in v1, pushsecrets in v1alpha1. */
export interface ChildResource {
  plural: string;
  version: string;
}

/** The object as it goes on the wire: the cache's copy minus what only the apiserver sets. */
function body(child: Child & { status?: unknown }): object {
  const { status: _status, ...rest } = child;
  return rest;
}

export async function createChild(clients: KubeClients, resource: ChildResource, child: Child): Promise<void> {
  const namespace = child.metadata.namespace!;
  await clients.custom.createNamespacedCustomObject({ group: GROUP, version: resource.version, namespace, plural: resource.plural, body: body(child), fieldManager: FIELD_MANAGER });
}

/** A replace carrying the cached resourceVersion: a child changed meanwhile is a conflict and the reconcile retries. */
export async function replaceChild(clients: KubeClients, resource: ChildResource, child: Child): Promise<void> {
  const { name, namespace } = child.metadata;
  await clients.custom.replaceNamespacedCustomObject({ group: GROUP, version: resource.version, namespace: namespace!, plural: resource.plural, name, body: body(child), fieldManager: FIELD_MANAGER });
}

/** Deletes exactly this object (uid precondition); already gone is fine. What it made follows through the garbage collector or its own finalizer. */
export async function deleteChild(clients: KubeClients, resource: ChildResource, child: Child): Promise<void> {
  const { name, namespace, uid } = child.metadata;
  try {
    await clients.custom.deleteNamespacedCustomObject({ group: GROUP, version: resource.version, namespace: namespace!, plural: resource.plural, name, body: { preconditions: { uid } } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
