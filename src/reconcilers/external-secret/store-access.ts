// Which store an ExternalSecret entry uses, and whether it may: SecretStores serve their own namespace,
// ClusterSecretStores the namespaces their spec.conditions allow (rules ORed; no rules = every namespace).
import type { StoreRef } from "../../api/common.ts";
import type { ClusterStoreCondition, SecretStore } from "../../api/secret-store.ts";
import { findCondition } from "./conditions.ts";
import { matchesSelector } from "../../kube/label-selector.ts";
import { ProviderError } from "../../provider/errors.ts";
import { GoRegexp, GoRegexpError } from "../../regexp/index.ts";

/** The store is missing, not Ready, or closed to this namespace: Ready=False, retried when the store changes. */
export class StoreUnavailableError extends ProviderError {
  constructor(message: string) {
    super(message, "StoreNotReady");
  }
}

export interface StoreLookup {
  store(kind: "SecretStore" | "ClusterSecretStore", name: string, namespace: string | undefined): SecretStore | undefined;
  namespaceLabels(name: string): Promise<Record<string, string> | undefined>;
}

export async function namespaceAllowed(conditions: ClusterStoreCondition[] | undefined, namespace: string, labels: () => Promise<Record<string, string> | undefined>): Promise<boolean> {
  if (!conditions || conditions.length === 0) return true;
  for (const condition of conditions) {
    if (condition.namespaces?.includes(namespace)) return true;
    for (const pattern of condition.namespaceRegexes ?? []) {
      try {
        if (GoRegexp.compile(pattern).test(namespace)) return true;
      } catch (err) {
        // An invalid pattern matches nothing (as in ESO); the store reconciler reports it as the store's ConfigError.
        if (!(err instanceof GoRegexpError)) throw err;
      }
    }
    if (condition.namespaceSelector && matchesSelector(condition.namespaceSelector, await labels())) return true;
  }
  return false;
}

export async function resolveStore(ref: StoreRef | undefined, namespace: string, lookup: StoreLookup): Promise<SecretStore> {
  if (!ref) throw new StoreUnavailableError("no store referenced: set spec.secretStoreRef or a sourceRef.storeRef");
  const kind = ref.kind ?? "SecretStore";
  const store = lookup.store(kind, ref.name, kind === "SecretStore" ? namespace : undefined);
  const label = kind === "SecretStore" ? `SecretStore ${namespace}/${ref.name}` : `ClusterSecretStore ${ref.name}`;
  if (!store) throw new StoreUnavailableError(`${label} not found`);
  if (kind === "ClusterSecretStore" && !(await namespaceAllowed(store.spec.conditions, namespace, () => lookup.namespaceLabels(namespace)))) {
    throw new StoreUnavailableError(`${label} does not allow namespace ${namespace} (spec.conditions)`);
  }
  const ready = findCondition(store.status?.conditions, "Ready");
  if (ready?.status === "False") throw new StoreUnavailableError(`${label} is not ready: ${ready.message ?? ready.reason ?? "unknown"}`);
  return store;
}
