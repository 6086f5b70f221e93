// Writes the status subresource of our custom objects with a JSON merge patch (status only, never spec).
import { PatchStrategy, setHeaderOptions } from "./http/index.ts";
import { GROUP, VERSION } from "../api/common.ts";
import type { KubeClients } from "./clients.ts";
import { isNotFound, kubeErrorSummary } from "./errors.ts";
import { ProviderUnavailableError } from "../provider/errors.ts";

export interface StatusTarget {
  plural: string;
  /** Our own kinds (RefreshReceiver) live in another group; default: external-secrets.io/v1. */
  api?: { group: string; version: string } | undefined;
  name: string;
  namespace?: string | undefined;
}

/** Returns false when the object is gone (nothing to update). Other failures are transient. */
export async function patchStatus(clients: KubeClients, target: StatusTarget, status: unknown): Promise<boolean> {
  return sendStatusPatch(clients, target, { status }, PatchStrategy.MergePatch);
}

/**
 * Replaces the whole status (a JSON patch "add" of /status, which replaces it when present): for statuses holding
 * maps whose entries go away (a PushSecret's syncedPushSecrets), which a merge patch can only add to.
 */
export async function replaceStatus(clients: KubeClients, target: StatusTarget, status: unknown): Promise<boolean> {
  return sendStatusPatch(clients, target, [{ op: "add", path: "/status", value: status }], PatchStrategy.JsonPatch);
}

async function sendStatusPatch(clients: KubeClients, target: StatusTarget, body: unknown, strategy: PatchStrategy): Promise<boolean> {
  const options = setHeaderOptions("Content-Type", strategy);
  const { group, version } = target.api ?? { group: GROUP, version: VERSION };
  try {
    if (target.namespace) {
      await clients.custom.patchNamespacedCustomObjectStatus({ group, version, plural: target.plural, namespace: target.namespace, name: target.name, body }, options);
    } else {
      await clients.custom.patchClusterCustomObjectStatus({ group, version, plural: target.plural, name: target.name, body }, options);
    }
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new ProviderUnavailableError(`updating status of ${target.plural} ${target.namespace ?? ""}/${target.name}: ${kubeErrorSummary(err)}`);
  }
}

/**
 * Replaces an ExternalSecret's status.conditions only if the object is still at the resourceVersion `es` was
 * read at (a merge patch carrying metadata.resourceVersion is a precondition). Throws the client's 409 when it
 * is not, for the caller to retry from a newer copy; writers that hold the object's whole status use patchStatus.
 */
export async function patchConditionsAt(clients: KubeClients, es: { metadata: { name: string; namespace?: string | undefined; resourceVersion?: string | undefined } }, conditions: unknown[]): Promise<void> {
  const body = { metadata: { resourceVersion: es.metadata.resourceVersion }, status: { conditions } };
  const options = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
  await clients.custom.patchNamespacedCustomObjectStatus({ group: GROUP, version: VERSION, plural: "externalsecrets", namespace: es.metadata.namespace!, name: es.metadata.name, body }, options);
}
