// The SOPS provider (ours): SOPS-encrypted files with age recipients from Git, a ConfigMap or a Secret,
// MAC always verified, decryption cached by content digest. See README.md for what is supported.
import type { Provider } from "../../src/provider/types.ts";
import { SopsProviderSpec } from "./schema.ts";
import { keysForChangedFiles } from "./changed-files.ts";

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
  // A ConfigMap or Secret source is read through ctx.kube; a Git source is fetched over the network.
  offline: (spec) => spec.source.git === undefined,
  // Git credentials and age keys always come from Secrets the store names; nothing of the operator's own.
  operatorIdentity: () => undefined,
  // A Git push names the files it changed: only the ExternalSecrets reading them need a refresh (issue 20).
  keysForChangedFiles,
  connect: async (ctx) => (await import("./connect.ts")).connectSops(ctx),
} satisfies Provider<SopsProviderSpec>;

export { sopsDecryptionCount } from "./decryption-cache.ts";
