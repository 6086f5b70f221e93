// Namespace labels for ClusterSecretStore namespaceSelector conditions: a live GET with a short cache,
// instead of a watch on every Namespace (only stores with a selector ever ask).
import type { KubeClients } from "../kube/clients.ts";
import { isNotFound } from "../kube/errors.ts";

const TTL_MS = 30_000;

export function namespaceLabelCache(clients: KubeClients): (name: string) => Promise<Record<string, string> | undefined> {
  const cache = new Map<string, { at: number; labels: Record<string, string> | undefined }>();
  return async (name) => {
    const hit = cache.get(name);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.labels;
    try {
      const namespace = await clients.core.readNamespace({ name });
      const labels = namespace.metadata?.labels ?? {};
      cache.set(name, { at: Date.now(), labels });
      return labels;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}
