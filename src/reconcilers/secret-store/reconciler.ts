// SecretStore / ClusterSecretStore reconcile: validate the provider spec and reachability, publish Ready and
// capabilities (written only when they change), and wake the store's ExternalSecrets when it becomes Ready.
import type { Logger } from "pino";
import type { SecretStore, SecretStoreStatus } from "../../api/secret-store.ts";
import { API_VERSION } from "../../api/common.ts";
import type { Condition } from "../../api/common.ts";
import { TerminalError, type ReconcileResult } from "../../controller/controller.ts";
import type { EventRecorder } from "../../kube/events.ts";
import type { KubeClients } from "../../kube/clients.ts";
import { patchStatus } from "../../kube/status.ts";
import { ConfigError, safeMessage } from "../../provider/errors.ts";
import type { ProviderRegistry } from "../../provider/registry.ts";
import { specRegexp } from "../../provider/spec-regexp.ts";
import type { StoreSessions } from "../../provider/sessions.ts";
import { findCondition, readyCondition, statusEqual, withCondition } from "../external-secret/conditions.ts";
import { storeRefreshFloor } from "../../api/refresh-floor.ts";
import { FloorLog, floorNote } from "../refresh-floor.ts";

export const StoreReason = { Valid: "Valid", InvalidProviderConfig: "InvalidProviderConfig", ValidationFailed: "ValidationFailed" } as const;

const DEFAULT_REVALIDATE_MS = 5 * 60_000;

export interface StoreReconcilerDeps {
  clients: KubeClients;
  store: (key: string) => SecretStore | undefined;
  registry: ProviderRegistry;
  sessions: StoreSessions;
  events: EventRecorder;
  log: Logger;
  /** Called when a store turns Ready, so its ExternalSecrets resume without waiting a full interval. */
  onBecameReady: (store: SecretStore) => void;
  /** --min-refresh-interval: a shorter spec.refreshInterval is raised to it (0 or unset: no floor). */
  minRefreshIntervalMs?: number;
}

/** Keys: "SecretStore/<ns>/<name>" and "ClusterSecretStore//<name>". */
export function storeQueueKey(store: Pick<SecretStore, "kind" | "metadata">): string {
  return `${store.kind}/${store.metadata.namespace ?? ""}/${store.metadata.name}`;
}

/** How often the store is validated again: spec.refreshInterval (default 5m), raised to the floor. */
export function revalidateInterval(store: SecretStore, floorMs = 0) {
  return storeRefreshFloor(store.spec.refreshInterval, DEFAULT_REVALIDATE_MS, floorMs);
}

/** Every namespaceRegexes pattern compiles with Go's regexp (ConfigError otherwise: Ready=False until the spec changes). */
function checkConditions(store: SecretStore): void {
  for (const [i, condition] of (store.spec.conditions ?? []).entries()) {
    for (const [j, pattern] of (condition.namespaceRegexes ?? []).entries()) specRegexp(pattern, `spec.conditions[${i}].namespaceRegexes[${j}]`);
  }
}

export function secretStoreReconciler(deps: StoreReconcilerDeps): (key: string) => Promise<ReconcileResult> {
  const floorLog = new FloorLog(deps.log);
  return async (key) => {
    const store = deps.store(key);
    const [, , name] = key.split("/");
    const storeKey = key;
    if (!store || store.metadata.deletionTimestamp) {
      floorLog.forget(key);
      await deps.sessions.closeStore(storeKey);
      return;
    }
    const interval = revalidateInterval(store, deps.minRefreshIntervalMs);
    floorLog.note(key, store.metadata.generation, store.spec.refreshInterval, interval);
    const note = floorNote(store.spec.refreshInterval, interval);
    const previous = findCondition(store.status?.conditions, "Ready");
    let condition: Condition;
    let capabilities: SecretStoreStatus["capabilities"];
    let failure: unknown;
    try {
      checkConditions(store);
      const { provider, spec } = deps.registry.resolve(store.spec.provider);
      capabilities = provider.capabilities;
      // With referent auth a ClusterSecretStore's credentials depend on the ExternalSecret's namespace,
      // so there is nothing to log in with here; ExternalSecrets validate it as they use it.
      const referent = store.kind === "ClusterSecretStore" && (provider.referentAuth?.(spec) ?? false);
      if (!referent) await (await deps.sessions.get(store, store.metadata.namespace ?? "")).validate();
      condition = readyCondition("True", StoreReason.Valid, `store validated${note}`, previous, new Date());
    } catch (err) {
      failure = err;
      const reason = err instanceof ConfigError ? StoreReason.InvalidProviderConfig : StoreReason.ValidationFailed;
      // No note here: this message is also the Warning Event and what ExternalSecrets quote as "not ready".
      condition = readyCondition("False", reason, safeMessage(err), previous, new Date());
    }
    const status: SecretStoreStatus = { ...store.status, conditions: withCondition(store.status?.conditions, condition), ...(capabilities ? { capabilities } : {}) };
    if (!statusEqual(status, store.status)) {
      await patchStatus(deps.clients, { plural: store.kind === "SecretStore" ? "secretstores" : "clustersecretstores", namespace: store.metadata.namespace, name: name! }, status);
      const target = { apiVersion: API_VERSION, kind: store.kind, name: name!, namespace: store.metadata.namespace, uid: store.metadata.uid };
      const changed = previous?.status !== condition.status || previous?.reason !== condition.reason || previous?.message !== condition.message;
      if (changed && condition.status === "True") await deps.events.normal(target, StoreReason.Valid, "store validated");
      if (changed && condition.status === "False") await deps.events.warning(target, condition.reason!, condition.message!);
    }
    if (condition.status === "True" && previous?.status !== "True") deps.onBecameReady(store);
    deps.log.debug({ store: key, ready: condition.status }, "store checked");
    if (failure) {
      deps.log.warn({ store: key, reason: condition.reason, error: condition.message }, "store not ready");
      if (failure instanceof ConfigError) throw new TerminalError(condition.message!);
      throw failure;
    }
    return { requeueAfterMs: interval.ms };
  };
}
