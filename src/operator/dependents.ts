// Who to wake when something changes: the ExternalSecrets that write a Secret, or that use a store.
import type { ExternalSecret } from "../api/external-secret.ts";
import type { SecretStore } from "../api/secret-store.ts";
import { resolvedTarget } from "../api/defaults.ts";
import { storeRefsOf } from "../reconcilers/external-secret/refresh.ts";

export const esKey = (es: Pick<ExternalSecret, "metadata">): string => `${es.metadata.namespace}/${es.metadata.name}`;

/** Index: "<namespace>/<secret name>" -> ExternalSecret keys writing it. */
export class TargetIndex {
  readonly #bySecret = new Map<string, Set<string>>();
  readonly #byEs = new Map<string, string>();

  set(es: ExternalSecret): void {
    this.remove(es);
    const secretKey = `${es.metadata.namespace}/${resolvedTarget(es).name}`;
    const key = esKey(es);
    this.#byEs.set(key, secretKey);
    let set = this.#bySecret.get(secretKey);
    if (!set) this.#bySecret.set(secretKey, (set = new Set()));
    set.add(key);
  }

  remove(es: Pick<ExternalSecret, "metadata">): void {
    const key = esKey(es);
    const secretKey = this.#byEs.get(key);
    if (secretKey === undefined) return;
    this.#byEs.delete(key);
    const set = this.#bySecret.get(secretKey);
    set?.delete(key);
    if (set?.size === 0) this.#bySecret.delete(secretKey);
  }

  writersOf(namespace: string, secretName: string): string[] {
    return [...(this.#bySecret.get(`${namespace}/${secretName}`) ?? [])];
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
