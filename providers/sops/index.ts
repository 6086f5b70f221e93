// The SOPS provider (ours): SOPS-encrypted files with age recipients from Git, a ConfigMap or a Secret,
// MAC always verified, decryption cached by content digest. See README.md for what is supported.
import { ConfigError } from "../../src/provider/errors.ts";
import type { Provider } from "../../src/provider/types.ts";
import { storeLabel } from "../../src/provider/store-identity.ts";
import { sopsClient } from "./client.ts";
import { readIdentities } from "./identities.ts";
import { SopsProviderSpec } from "./schema.ts";
import { gitSource } from "./source-git.ts";
import { kubeObjectSource, refreshIntervalMs, type FileSource } from "./source.ts";

/** ClusterSecretStore refs without a namespace resolve in the ExternalSecret's namespace: one session per namespace. */
function referentAuth(spec: SopsProviderSpec): boolean {
  const { git, configMap, secret } = spec.source;
  const refs = [spec.decryption.ageKeySecretRef, configMap, secret, git?.auth?.secretRef];
  return refs.some((ref) => ref !== undefined && !ref.namespace);
}

export const sopsProvider = {
  name: "sops",
  schema: SopsProviderSpec,
  capabilities: "ReadOnly",
  referentAuth,
  async connect({ spec, store, kube, log, refreshInterval }) {
    const intervalMs = refreshIntervalMs(refreshInterval);
    const { git, configMap, secret } = spec.source;
    const set = [git, configMap, secret].filter((value) => value !== undefined).length;
    if (set !== 1) throw new ConfigError(`spec.provider.sops.source needs exactly one of git, configMap or secret (found ${set})`);
    let source: FileSource;
    if (git) source = gitSource({ spec: git, kube, intervalMs, log });
    else if (configMap) source = kubeObjectSource("ConfigMap", configMap, kube, intervalMs);
    else if (secret) source = kubeObjectSource("Secret", secret, kube, intervalMs);
    else throw new ConfigError("spec.provider.sops.source needs exactly one of git, configMap or secret");
    return sopsClient({ source, storeLabel: storeLabel(store), log, identities: () => readIdentities(kube, spec.decryption, log) });
  },
} satisfies Provider<SopsProviderSpec>;

export { sopsDecryptionCount } from "./decryption-cache.ts";
