// The Vault / OpenBao provider (ESO's `vault`): one authenticated session per store and credentials,
// shared by every ExternalSecret using the store, renewed before expiry and revoked on close.
import type { Provider } from "../../src/provider/types.ts";
import { VaultProviderSpec } from "./schema.ts";

/** Every Kubernetes reference of a spec whose namespace is left to the store's rules. */
function unqualifiedRefs(spec: VaultProviderSpec): boolean {
  const auth = spec.auth ?? {};
  const refs: Array<{ namespace?: string | undefined } | undefined> = [
    auth.tokenSecretRef,
    auth.kubernetes?.serviceAccountRef,
    auth.kubernetes?.secretRef,
    auth.appRole?.roleRef,
    auth.appRole?.secretRef,
    auth.jwt?.secretRef,
    auth.jwt?.kubernetesServiceAccountToken?.serviceAccountRef,
    auth.cert?.clientCert,
    auth.cert?.secretRef,
    auth.userPass?.secretRef,
    spec.caProvider,
    spec.tls?.certSecretRef,
    spec.tls?.keySecretRef,
  ];
  return refs.some((ref) => ref !== undefined && !ref.namespace);
}

/** Kubernetes auth without a ServiceAccount or token Secret logs in with the operator's own token (ESO). */
function operatorIdentity(spec: VaultProviderSpec): string | undefined {
  const k8s = spec.auth?.kubernetes;
  if (!k8s || k8s.serviceAccountRef || k8s.secretRef) return undefined;
  return "auth.kubernetes without serviceAccountRef or secretRef logs in with the operator's ServiceAccount token";
}

export const vaultProvider = {
  name: "vault",
  schema: VaultProviderSpec,
  // As ESO's vault provider: reads, and PushSecret writes (push.ts).
  capabilities: "ReadWrite",
  // A ClusterSecretStore ref without a namespace resolves in each ExternalSecret's namespace: one session
  // (and one login) per namespace, since the credentials may differ.
  referentAuth: unqualifiedRefs,
  operatorIdentity,
  connect: async (ctx) => (await import("./connect.ts")).connectVault(ctx),
} satisfies Provider<VaultProviderSpec>;
