// The stores a PushSecret writes to: named ones (which must exist, be Ready and, for a ClusterSecretStore, allow
// the namespace: otherwise Ready=False, as for an ExternalSecret) and those picked by labels (a ClusterSecretStore
// whose conditions exclude the namespace is not one of "its" stores and is left out). Stores being deleted are
// skipped, as in ESO.
import type { PushSecret, PushSecretStoreRef } from "../../api/push-secret.ts";
import type { SecretStore } from "../../api/secret-store.ts";
import { matchesSelector } from "../../kube/label-selector.ts";
import { namespaceAllowed, resolveStore, type StoreLookup } from "../external-secret/store-access.ts";

export interface PushStoreLookup extends StoreLookup {
  /** Every cached store of the kind (SecretStores: of the namespace). */
  storesOfKind(kind: "SecretStore" | "ClusterSecretStore", namespace: string): SecretStore[];
}

/** ESO's key of a store in status.syncedPushSecrets: "Kind/name". */
export const pushStoreKey = (store: Pick<SecretStore, "kind" | "metadata">): string => `${store.kind}/${store.metadata.name}`;

const kindOf = (ref: PushSecretStoreRef) => ref.kind ?? "SecretStore";

export async function resolvePushStores(ps: PushSecret, lookup: PushStoreLookup): Promise<SecretStore[]> {
  const namespace = ps.metadata.namespace!;
  const stores = new Map<string, SecretStore>();
  for (const ref of ps.spec.secretStoreRefs) {
    const kind = kindOf(ref);
    if (ref.labelSelector) {
      for (const store of lookup.storesOfKind(kind, namespace)) {
        if (!matchesSelector(ref.labelSelector, store.metadata.labels ?? {})) continue;
        if (kind === "ClusterSecretStore" && !(await namespaceAllowed(store.spec.conditions, namespace, () => lookup.namespaceLabels(namespace)))) continue;
        const resolved = await resolveStore({ name: store.metadata.name, kind }, namespace, lookup);
        stores.set(pushStoreKey(resolved), resolved);
      }
    } else if (ref.name) {
      const resolved = await resolveStore({ name: ref.name, kind }, namespace, lookup);
      stores.set(pushStoreKey(resolved), resolved);
    }
  }
  return [...stores.values()].filter((store) => !store.metadata.deletionTimestamp);
}
