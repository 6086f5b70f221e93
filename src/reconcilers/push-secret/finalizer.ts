// The PushSecret finalizer (ESO's name, so objects ESO made are cleaned up by us after a swap): held while
// deletionPolicy is Delete, so what was pushed is removed from the providers before the object goes.
import { PatchStrategy, setHeaderOptions } from "../../kube/http/index.ts";
import { GROUP } from "../../api/common.ts";
import { PUSH_VERSION, type PushSecret } from "../../api/push-secret.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isNotFound } from "../../kube/errors.ts";

export const PUSH_SECRET_FINALIZER = "pushsecret.externalsecrets.io/finalizer";

const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

/**
 * Sets the finalizer list, only if the object is still at the resourceVersion it was read at (a merge patch
 * carrying metadata.resourceVersion is a precondition): a concurrent change is a 409, retried from a newer copy.
 */
async function setFinalizers(clients: KubeClients, ps: PushSecret, finalizers: string[]): Promise<void> {
  const { name, namespace, resourceVersion } = ps.metadata;
  const body = { metadata: { resourceVersion, finalizers } };
  try {
    await clients.custom.patchNamespacedCustomObject({ group: GROUP, version: PUSH_VERSION, plural: "pushsecrets", namespace: namespace!, name, body }, mergePatch);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export const hasFinalizer = (ps: PushSecret): boolean => ps.metadata.finalizers?.includes(PUSH_SECRET_FINALIZER) ?? false;

export async function addFinalizer(clients: KubeClients, ps: PushSecret): Promise<void> {
  if (!hasFinalizer(ps)) await setFinalizers(clients, ps, [...(ps.metadata.finalizers ?? []), PUSH_SECRET_FINALIZER]);
}

export async function removeFinalizer(clients: KubeClients, ps: PushSecret): Promise<void> {
  if (hasFinalizer(ps)) await setFinalizers(clients, ps, (ps.metadata.finalizers ?? []).filter((f) => f !== PUSH_SECRET_FINALIZER));
}
