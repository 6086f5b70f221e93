// Who to wake when something changes: the ExternalSecrets that write a Secret, or that use a store.
import type { ExternalSecret } from "../api/external-secret.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { resolvedTarget } from "../api/defaults.ts";
import { storeRefsOf } from "../reconcilers/external-secret/refresh.ts";
import { storeKeyOf } from "../provider/sessions.ts";
import { GroupIndex } from "./group-index.ts";
import { manifestKind, targetIndexKey, type ManifestKind } from "../api/manifest-target.ts";

/** The kind an ExternalSecret renders (target.manifest), or undefined for a Secret or a kind it may not render. */
export function manifestKindOrUndefined(es: ExternalSecret): ManifestKind | undefined {
  try {
    return manifestKind(es);
  } catch {
    return undefined;
  }
}

export const esKey = (es: Pick<ExternalSecret, "metadata">): string => `${es.metadata.namespace}/${es.metadata.name}`;

/** Index: "<namespace>/<secret name>" (kind-qualified for target.manifest) -> ExternalSecret keys writing it. */
export class TargetIndex {
  readonly #index = new GroupIndex();

  set(es: ExternalSecret): void {
    this.#index.set(esKey(es), targetIndexKey(es.metadata.namespace ?? "", resolvedTarget(es).name, manifestKindOrUndefined(es)));
  }

  remove(es: Pick<ExternalSecret, "metadata">): void {
    this.#index.remove(esKey(es));
  }

  writersOf(namespace: string, name: string, kind?: Pick<ManifestKind, "group" | "kind">): string[] {
    return this.#index.membersOf(targetIndexKey(namespace, name, kind));
  }
}

/** Whether an ExternalSecret references the store anywhere (spec.secretStoreRef or a sourceRef). */
export function usesStore(es: ExternalSecret, store: Pick<SecretStore, "kind" | "metadata">): boolean {
  return storeRefsOf(es).some(
    (ref) => ref.name === store.metadata.name && ref.kind === store.kind && (ref.kind === "ClusterSecretStore" || es.metadata.namespace === store.metadata.namespace),
  );
}

/** A change that asks for a sync: spec (generation) or labels/annotations (force-sync). Status-only updates are ours. */
export function metadataOrSpecChanged(next: Pick<ExternalSecret, "metadata">, prev: Pick<ExternalSecret, "metadata"> | undefined): boolean {
  if (!prev) return true;
  if (next.metadata.generation !== prev.metadata.generation) return true;
  return JSON.stringify([next.metadata.labels ?? {}, next.metadata.annotations ?? {}]) !== JSON.stringify([prev.metadata.labels ?? {}, prev.metadata.annotations ?? {}]);
}

/** The stores an ExternalSecret reads, keyed as sessions key them (StoreRecovery matches the two). */
export function storeKeysOf(es: ExternalSecret): string[] {
  return storeRefsOf(es).map((ref) => storeKeyOf({ kind: ref.kind, metadata: { name: ref.name, namespace: es.metadata.namespace } }));
}
