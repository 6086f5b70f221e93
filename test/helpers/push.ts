// PushSecret helpers over the bench's admin client: create, read, patch, delete, wait for Ready, and the source Secret.
import { PatchStrategy, setHeaderOptions, type KubeConfig } from "@kubernetes/client-node";
import type { PushSecret } from "../../src/api/push-secret.ts";
import { kube, ready, waitFor } from "./operator.ts";
import { kubeConfig } from "./bench.ts";

const GROUP = "external-secrets.io";
const VERSION = "v1alpha1";
const plural = "pushsecrets";
const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);

export function pushApi(kc: KubeConfig = kubeConfig()) {
  const k = kube(kc);
  const api = {
    create: (namespace: string, name: string, spec: unknown, metadata: Record<string, unknown> = {}) =>
      k.custom.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, body: { apiVersion: `${GROUP}/${VERSION}`, kind: "PushSecret", metadata: { name, namespace, ...metadata }, spec } }) as Promise<PushSecret>,
    get: async (namespace: string, name: string): Promise<PushSecret | undefined> => {
      try {
        return (await k.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name })) as PushSecret;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return undefined;
        throw err;
      }
    },
    patch: (namespace: string, name: string, body: unknown) => k.custom.patchNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name, body }, mergePatch),
    delete: (namespace: string, name: string) => k.custom.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name }),
    /** Waits for Ready=status (and reason) on a generation the controller has seen. */
    waitReady: (namespace: string, name: string, status: "True" | "False", reason?: string, timeoutMs?: number) =>
      waitFor(
        `PushSecret ${namespace}/${name} Ready=${status}${reason ? ` ${reason}` : ""}`,
        async () => {
          const ps = await api.get(namespace, name);
          const condition = ps && ready(ps);
          return condition?.status === status && (reason === undefined || condition.reason === reason) ? ps : undefined;
        },
        timeoutMs,
      ),
    /** Creates or replaces a plain Secret (the source of a push). */
    async putSecret(namespace: string, name: string, data: Record<string, string>, labels: Record<string, string> = {}) {
      const body = { metadata: { name, namespace, labels }, stringData: data };
      try {
        await k.core.createNamespacedSecret({ namespace, body });
      } catch (err) {
        if ((err as { code?: number }).code !== 409) throw err;
        await k.core.replaceNamespacedSecret({ name, namespace, body });
      }
    },
  };
  return api;
}
