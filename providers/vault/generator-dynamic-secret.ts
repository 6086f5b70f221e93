// ESO's VaultDynamicSecret generator: one Vault request (read, list, delete or write) whose answer is a fresh
// secret (database credentials, a PKI certificate, a token), with the vault store's auth, TLS and transport.
// The object is small and static; the run is loaded on first use, like the store's connect.
import type { z } from "zod";
import { vaultDynamicSecretSpec } from "../../src/api/generators.ts";
import { parseDuration } from "../../src/api/duration.ts";
import { onlineGenerate, type Generator } from "../../src/generators/types.ts";
import { operatorIdentity } from "./identity.ts";
import { VaultProviderSpec } from "./schema.ts";

export const VaultDynamicSecretSpec = vaultDynamicSecretSpec(VaultProviderSpec);
export type VaultDynamicSecretSpec = z.infer<typeof VaultDynamicSecretSpec>;

/** Longest wait between retries we accept: a tenant's retrySettings must not hold a worker for minutes. */
export const MAX_RETRY_INTERVAL_MS = 30_000;

/** The wait between retries, ESO's default 1s; undefined when the text is not a duration. */
export function retryIntervalMs(spec: VaultDynamicSecretSpec): number | undefined {
  const text = spec.retrySettings?.retryInterval;
  if (text === undefined || text === "") return 1000;
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

export const vaultDynamicSecret: Generator<VaultDynamicSecretSpec> = {
  kind: "VaultDynamicSecret",
  specKey: "vaultDynamicSecretSpec",
  spec: VaultDynamicSecretSpec,
  problem(spec) {
    const interval = retryIntervalMs(spec);
    if (interval === undefined) return "retrySettings.retryInterval is not a duration";
    if (interval > MAX_RETRY_INTERVAL_MS) return `retrySettings.retryInterval is longer than ${MAX_RETRY_INTERVAL_MS / 1000}s`;
    if (spec.path.replace(/^\/+|\/+$/g, "") === "") return "path is empty";
    return undefined;
  },
  operatorIdentity: (spec) => operatorIdentity(spec.provider),
  endpoints: (spec) => ({ "provider.server": spec.provider.server }),
  cleanup: async (spec, state, ctx) => (await import("./dynamic-secret-cleanup.ts")).cleanupDynamicSecret(spec, state, ctx),
  generate: onlineGenerate("VaultDynamicSecret", "Vault", (spec) => vaultDynamicSecret.problem(spec), async (spec, ctx) => (await import("./dynamic-secret.ts")).generateDynamicSecret(spec, ctx)),
};
