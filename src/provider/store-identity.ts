// Identifies a store and the credentials namespace a session was opened for.

export interface StoreIdentity {
  kind: "SecretStore" | "ClusterSecretStore";
  name: string;
  /** Namespace of a SecretStore; undefined for a ClusterSecretStore. */
  namespace?: string | undefined;
  uid?: string | undefined;
  /** Namespace of the ExternalSecret the session serves, for referent auth. */
  referentNamespace?: string | undefined;
}

export function storeLabel(store: StoreIdentity): string {
  return store.kind === "ClusterSecretStore" ? `ClusterSecretStore/${store.name}` : `SecretStore/${store.namespace}/${store.name}`;
}
