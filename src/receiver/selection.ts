// Which ExternalSecrets a verified call refreshes (pure). Always only ExternalSecrets of the receiver's own
// namespace, whatever its resources say: a tenant's receiver can never reach another namespace. A store resource
// selects the ExternalSecrets of that namespace reading the store; a ClusterSecretStore only when its
// spec.conditions admit the receiver's namespace (the caller passes that decision in, store-access.ts makes it).
// A call may narrow what counts (`touched`): the reads of named keys (a generic call's {"keys": [...]}), or of the
// files a Git push changed, mapped per store to that store's keys.
import { matchesSelector } from "../kube/label-selector.ts";
import type { ExternalSecret } from "../api/external-secret.ts";
import type { ReceiverResource } from "../api/refresh-receiver.ts";
import type { SecretStore } from "../api/secret-store.ts";

/** The work-queue key of an ExternalSecret (the operator's esKey), kept here so src/receiver does not import src/operator. */
const esKey = (es: ExternalSecret) => `${es.metadata.namespace}/${es.metadata.name}`;

type StoreKind = "SecretStore" | "ClusterSecretStore";

/** One remote read of an ExternalSecret: the store it goes to and the key (or a find's path prefix). */
export interface RemoteRead {
  store: { kind: StoreKind; name: string };
  key?: string;
  /** dataFrom.find: every key under this path may be read ("" = anywhere). */
  findPath?: string;
}

/** Every remote read an ExternalSecret makes (data[].remoteRef.key, dataFrom[].extract.key, dataFrom[].find.path). */
export function remoteReads(es: ExternalSecret): RemoteRead[] {
  const storeOf = (ref: { name: string; kind?: string | undefined } | undefined) => {
    const store = ref ?? es.spec.secretStoreRef;
    return { kind: (store?.kind === "ClusterSecretStore" ? "ClusterSecretStore" : "SecretStore") as StoreKind, name: store?.name ?? "" };
  };
  const reads: RemoteRead[] = [];
  for (const item of es.spec.data ?? []) reads.push({ store: storeOf(item.sourceRef?.storeRef), key: item.remoteRef.key });
  for (const item of es.spec.dataFrom ?? []) {
    if (item.extract) reads.push({ store: storeOf(item.sourceRef?.storeRef), key: item.extract.key });
    else if (item.find) reads.push({ store: storeOf(item.sourceRef?.storeRef), findPath: item.find.path ?? "" });
  }
  return reads;
}

/** Whether a read may touch one of `keys`; a find counts when a key lies under its path (over-refreshing is safe). */
export const touchesKeys = (keys: Iterable<string>) => {
  const set = new Set(keys);
  return (read: RemoteRead) => readTouches(read, set);
};

export function readTouches(read: RemoteRead, keys: ReadonlySet<string>): boolean {
  if (read.key !== undefined) return keys.has(read.key);
  const path = read.findPath ?? "";
  for (const key of keys) if (key.startsWith(path)) return true;
  return false;
}

const matchesResource = (resource: ReceiverResource, meta: { name: string; labels?: Record<string, string> | undefined }): boolean => {
  if (resource.name !== undefined && resource.name !== "*" && resource.name !== meta.name) return false;
  return matchesSelector({ matchLabels: resource.matchLabels }, meta.labels);
};

export interface SelectionInput {
  namespace: string;
  resources: readonly ReceiverResource[];
  /** The ExternalSecrets of the receiver's namespace. */
  externalSecrets: readonly ExternalSecret[];
  /** The SecretStores of the receiver's namespace. */
  secretStores: readonly SecretStore[];
  /** The ClusterSecretStores whose spec.conditions admit the receiver's namespace (others never count). */
  admittedClusterStores: readonly SecretStore[];
  /** Which reads count (touchesKeys for named keys); undefined: every read. */
  touched?: ((read: RemoteRead) => boolean) | undefined;
}

/** The keys ("<namespace>/<name>") of the ExternalSecrets to refresh, sorted. */
export function selectExternalSecrets(input: SelectionInput): string[] {
  const own = input.externalSecrets.filter((es) => es.metadata.namespace === input.namespace);
  const touches = (es: ExternalSecret, store?: { kind: StoreKind; name: string }) =>
    remoteReads(es).some((read) => (!store || (read.store.kind === store.kind && read.store.name === store.name)) && (!input.touched || input.touched(read)));
  const selected = new Set<string>();
  for (const resource of input.resources) {
    if (resource.kind === "ExternalSecret") {
      for (const es of own) if (matchesResource(resource, es.metadata) && touches(es)) selected.add(esKey(es));
      continue;
    }
    const stores = resource.kind === "SecretStore" ? input.secretStores.filter((store) => store.metadata.namespace === input.namespace) : input.admittedClusterStores;
    for (const store of stores) {
      if (!matchesResource(resource, store.metadata)) continue;
      for (const es of own) if (touches(es, { kind: resource.kind, name: store.metadata.name })) selected.add(esKey(es));
    }
  }
  return [...selected].sort();
}
