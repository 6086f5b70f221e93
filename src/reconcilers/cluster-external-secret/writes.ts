// The ClusterExternalSecret reconciler's own writes (its children's are the fan-out's, ../fan-out/writes.ts):
// removal of ESO's leftover finalizers (a JSON patch that tests the entry first, so a concurrent change of the list
// is a conflict, not a wrong removal).
import { PatchStrategy, setHeaderOptions } from "../../kube/http/index.ts";
import { GROUP, VERSION } from "../../api/common.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isNotFound } from "../../kube/errors.ts";

const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);

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
