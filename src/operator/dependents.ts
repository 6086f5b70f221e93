// Who to wake when something changes: the ExternalSecrets that write a Secret, or that use a store.
import type { ExternalSecret } from "../api/external-secret.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { resolvedTarget } from "../api/defaults.ts";
import { storeRefsOf } from "../reconcilers/external-secret/refresh.ts";
import { GroupIndex } from "./group-index.ts";

export const esKey = (es: Pick<ExternalSecret, "metadata">): string => `${es.metadata.namespace}/${es.metadata.name}`;

/** Index: "<namespace>/<secret name>" -> ExternalSecret keys writing it. */
export class TargetIndex {
  readonly #index = new GroupIndex();

  set(es: ExternalSecret): void {
    this.#index.set(esKey(es), `${es.metadata.namespace}/${resolvedTarget(es).name}`);
  }

  remove(es: Pick<ExternalSecret, "metadata">): void {
    this.#index.remove(esKey(es));
  }

  writersOf(namespace: string, secretName: string): string[] {
    return this.#index.membersOf(`${namespace}/${secretName}`);
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
