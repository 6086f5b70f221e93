// The Vault / OpenBao provider (ESO's `vault`): one authenticated session per store and credentials,
// shared by every ExternalSecret using the store, renewed before expiry and revoked on close.
import type { Provider } from "../../src/provider/types.ts";
import { VaultProviderSpec } from "./schema.ts";
import { operatorIdentity } from "./identity.ts";
import { vaultDynamicSecret } from "./generator-dynamic-secret.ts";

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
  // ESO's VaultDynamicSecret: the same auth, TLS and transport as the store (see Provider.generators).
  generators: [vaultDynamicSecret],
} satisfies Provider<VaultProviderSpec>;
