// The ExternalSecret and its Secret as the apiserver has them now, for a decision the watch cache must not make
// alone: a generator makes new values on every sync, and the cache can lag our own last write (the status patch
// or the Secret just written not seen yet), which would look like "never synced" or "Secret missing" and
// generate a second time. Read only when a generator-backed ExternalSecret is about to sync for such a reason.
import type { V1Secret } from "@kubernetes/client-node";
import { GROUP, VERSION } from "../../api/common.ts";
import type { ExternalSecret } from "../../api/external-secret.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { isNotFound, kubeErrorSummary } from "../../kube/errors.ts";
import { ProviderUnavailableError } from "../../provider/errors.ts";

export interface LiveView {
  /** undefined: the ExternalSecret is gone. */
  es: ExternalSecret | undefined;
  secret: V1Secret | undefined;
}

export async function liveView(clients: KubeClients, namespace: string, name: string, secretName: string): Promise<LiveView> {
  try {
    const es = (await clients.custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: "externalsecrets", name }).catch((err) => {
      if (isNotFound(err)) return undefined;
      throw err;
    })) as ExternalSecret | undefined;
    const secret = await clients.core.readNamespacedSecret({ name: secretName, namespace }).catch((err) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    return { es, secret };
  } catch (err) {
    throw new ProviderUnavailableError(`reading ExternalSecret ${namespace}/${name} before generating: ${kubeErrorSummary(err)}`);
  }
}
