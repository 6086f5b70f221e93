// The apiserver writes of the ClusterExternalSecret reconciler: children (create, replace with their
// resourceVersion, delete with a uid precondition) and removal of ESO's leftover finalizers (a JSON patch that
// tests the entry first, so a concurrent change of the list is a conflict, not a wrong removal).
import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../../api/common.ts";
import { FIELD_MANAGER } from "../../api/markers.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isNotFound } from "../../kube/errors.ts";

const plural = "externalsecrets";
const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);

/** The object as it goes on the wire: the cache's copy minus what only the apiserver sets. */
function body(child: ExternalSecret): object {
  const { status: _status, ...rest } = child;
  return rest;
}

export async function createChild(clients: KubeClients, child: ExternalSecret): Promise<void> {
  const namespace = child.metadata.namespace!;
  await clients.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, body: body(child), fieldManager: FIELD_MANAGER });
}

/** A replace carrying the cached resourceVersion: a child changed meanwhile is a conflict and the reconcile retries. */
export async function replaceChild(clients: KubeClients, child: ExternalSecret): Promise<void> {
  const { name, namespace } = child.metadata;
  await clients.custom.replaceNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: namespace!, plural, name, body: body(child), fieldManager: FIELD_MANAGER });
}

/** Deletes exactly this object (uid precondition); already gone is fine. Its Secret follows through the garbage collector. */
export async function deleteChild(clients: KubeClients, child: ExternalSecret): Promise<void> {
  const { name, namespace, uid } = child.metadata;
  try {
    await clients.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: namespace!, plural, name, body: { preconditions: { uid } } });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

function removalPatch(finalizers: readonly string[], finalizer: string): object[] | undefined {
  const index = finalizers.indexOf(finalizer);
  if (index < 0) return undefined;
  const path = `/metadata/finalizers/${index}`;
  return [{ op: "test", path, value: finalizer }, { op: "remove", path }];
}

export async function removeNamespaceFinalizer(clients: KubeClients, namespace: string, finalizers: readonly string[], finalizer: string): Promise<void> {
  const patch = removalPatch(finalizers, finalizer);
  if (!patch) return;
  try {
    await clients.core.patchNamespace({ name: namespace, body: patch }, jsonPatch);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export async function removeCesFinalizer(clients: KubeClients, name: string, finalizers: readonly string[], finalizer: string): Promise<void> {
  const patch = removalPatch(finalizers, finalizer);
  if (!patch) return;
  try {
    await clients.custom.patchClusterCustomObject({ group: GROUP, version: VERSION, plural: "clusterexternalsecrets", name, body: patch }, jsonPatch);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
