// Namespace labels for ClusterSecretStore namespaceSelector conditions: a live GET with a short cache,
// instead of a watch on every Namespace (only stores with a selector ever ask); and whether one is being deleted.
import type { V1Namespace } from "@kubernetes/client-node";
import type { KubeClients } from "../kube/clients.ts";
import type { InformerLike } from "./multi-informer.ts";
import { isNotFound } from "../kube/errors.ts";

const TTL_MS = 30_000;

export function namespaceLabelCache(clients: KubeClients): (name: string) => Promise<Record<string, string> | undefined> {
  const cache = new Map<string, { at: number; labels: Record<string, string> | undefined }>();
  return async (name) => {
    const hit = cache.get(name);
    if (hit && performance.now() - hit.at < TTL_MS) return hit.labels;
    try {
      const namespace = await clients.core.readNamespace({ name });
      const labels = namespace.metadata?.labels ?? {};
      cache.set(name, { at: performance.now(), labels });
      return labels;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

/**
 * Whether a namespace is being deleted: from the namespace watch when there is one, else a live GET (asked only
 * after a failed sync, which then backs off). False when it cannot tell.
 */
export function namespaceTerminating(clients: KubeClients, watched: InformerLike<V1Namespace> | undefined): (name: string) => Promise<boolean> {
  return async (name) => {
    if (watched) return Boolean(watched.get(name)?.metadata?.deletionTimestamp);
    try {
      return Boolean((await clients.core.readNamespace({ name })).metadata?.deletionTimestamp);
    } catch {
      return false;
    }
  };
}
