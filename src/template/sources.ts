// Where templateFrom reads its ConfigMaps and Secrets: the apiserver for the operator (a live GET in the
// ExternalSecret's namespace, never a cache of every ConfigMap), manifests on disk for the offline CLI.
import type { CoreV1Api } from "../kube/http/index.ts";
import { isNotFound, kubeErrorSummary } from "../kube/errors.ts";

/** Reads templateFrom sources. Both throw TemplateSourceError when the object does not exist. */
export interface TemplateSources {
  configMap(name: string): Promise<Record<string, string>>;
  secret(name: string): Promise<Record<string, Uint8Array>>;
}

/** A missing or unreadable templateFrom source: retried with backoff (it may appear later), not terminal. */
export class TemplateSourceError extends Error {
  override name = "TemplateSourceError";
}

export function apiTemplateSources(core: CoreV1Api, namespace: string): TemplateSources {
  const wrap = async <T>(kind: string, name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (isNotFound(err)) throw new TemplateSourceError(`templateFrom ${kind} ${namespace}/${name} not found`);
      throw new TemplateSourceError(`templateFrom ${kind} ${namespace}/${name}: ${kubeErrorSummary(err)}`);
    }
  };
  return {
    configMap: (name) =>
      wrap("configMap", name, async () => {
        const cm = await core.readNamespacedConfigMap({ name, namespace });
        const out: Record<string, string> = { ...(cm.data ?? {}) };
        for (const [k, v] of Object.entries(cm.binaryData ?? {})) out[k] = Buffer.from(v, "base64").toString("utf8");
        return out;
      }),
    secret: (name) =>
      wrap("secret", name, async () => {
        const s = await core.readNamespacedSecret({ name, namespace });
        return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
      }),
  };
}

/** Sources from in-memory objects (the CLI's manifests); `what` names where they came from in errors. */
export function staticTemplateSources(configMaps: Map<string, Record<string, string>>, secrets: Map<string, Record<string, Uint8Array>>, what: string): TemplateSources {
  return {
    async configMap(name) {
      const cm = configMaps.get(name);
      if (!cm) throw new TemplateSourceError(`templateFrom configMap ${name} not found in ${what}`);
      return cm;
    },
    async secret(name) {
      const s = secrets.get(name);
      if (!s) throw new TemplateSourceError(`templateFrom secret ${name} not found in ${what}`);
      return s;
    },
  };
}
