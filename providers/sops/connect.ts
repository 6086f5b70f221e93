// Opens a SOPS session: the file source (Git, ConfigMap or Secret) and the decryptor. Loaded on first use
// so an operator without SOPS stores does not load the Git client.
import { ConfigError } from "../../src/provider/errors.ts";
import type { ConnectContext, SecretsClient } from "../../src/provider/types.ts";
import { storeLabel } from "../../src/provider/store-identity.ts";
import { sopsClient } from "./client.ts";
import { readIdentities } from "./identities.ts";
import type { SopsProviderSpec } from "./schema.ts";
import { gitSource } from "./source-git.ts";
import { kubeObjectSource, refreshIntervalMs, type FileSource } from "./source.ts";

export async function connectSops({ spec, store, kube, log, refreshInterval }: ConnectContext<SopsProviderSpec>): Promise<SecretsClient> {
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
}
