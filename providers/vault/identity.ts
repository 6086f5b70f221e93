// Which vault specs authenticate as the operator itself: shared by the store (index.ts) and the
// VaultDynamicSecret generator, whose `provider` is the same spec.
import type { VaultProviderSpec } from "./schema.ts";

/** Kubernetes auth without a ServiceAccount or token Secret logs in with the operator's own token (ESO). */
export function operatorIdentity(spec: VaultProviderSpec): string | undefined {
  const k8s = spec.auth?.kubernetes;
  if (!k8s || k8s.serviceAccountRef || k8s.secretRef) return undefined;
  return "auth.kubernetes without serviceAccountRef or secretRef logs in with the operator's ServiceAccount token";
}
