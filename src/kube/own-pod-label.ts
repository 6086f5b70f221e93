// Labels the operator's own Pod with its webhook role, so the receiver Service can select the leader only: only the
// leader acts on webhook calls, and a Service that also routed to standbys would answer half the calls with 503
// (CloudNativePG and Patroni point their primary Services at a role label the same way). Needs `patch` on pods in
// the operator's namespace; the Pod is named by the downward API (POD_NAME, POD_NAMESPACE).
import { PatchStrategy, setHeaderOptions } from "./http/index.ts";
import type { Logger } from "pino";
import type { KubeClients } from "./clients.ts";
import { kubeErrorSummary } from "./errors.ts";

export const WEBHOOK_ROLE_LABEL = "secrets-bridge.io/webhooks";
export type WebhookRole = "leader" | "standby";

export interface OwnPod {
  namespace: string;
  name: string;
}

/** Sets the role label (a JSON merge patch of one label); a few tries, then a warning: never throws. */
export async function labelOwnPod(clients: KubeClients, pod: OwnPod, role: WebhookRole, log: Logger, tries = 5): Promise<boolean> {
  const body = { metadata: { labels: { [WEBHOOK_ROLE_LABEL]: role } } };
  const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  for (let attempt = 1; ; attempt++) {
    try {
      await clients.core.patchNamespacedPod({ name: pod.name, namespace: pod.namespace, body }, options);
      log.info({ pod: `${pod.namespace}/${pod.name}`, role }, "pod labelled for the webhook Service");
      return true;
    } catch (err) {
      if (attempt >= tries) {
        log.warn({ pod: `${pod.namespace}/${pod.name}`, role, error: kubeErrorSummary(err) }, "could not label the pod for the webhook Service (RBAC: patch pods); webhook calls may not reach the leader");
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt).unref());
    }
  }
}
