// A PushSecret entry's `metadata` for a Vault store. ESO's vault provider reads no PushSecretMetadata at all (it
// marks every pushed secret with `managed-by: external-secrets` and nothing else), so there is no Vault field to
// set. The wrapper is still checked, as ESO's other providers parse it: a PushSecret may push one entry to several
// stores (AWS and Vault), so a spec meant for another provider must pass here untouched, but a wrapper that is
// wrong for every provider is a ConfigError rather than silently ignored.
import { z } from "zod";
import { ConfigError } from "../../src/provider/errors.ts";

export const VaultPushSecretMetadata = z
  .object({
    apiVersion: z.literal("kubernetes.external-secrets.io/v1alpha1").describe("Always kubernetes.external-secrets.io/v1alpha1."),
    kind: z.literal("PushSecretMetadata").describe("Always PushSecretMetadata."),
    spec: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Provider-specific fields; Vault has none (ESO's vault provider reads none): other providers' fields are ignored."),
  })
  .strict()
  .describe("ESO's PushSecretMetadata wrapper, as a Vault store reads it.");
export type VaultPushSecretMetadata = z.infer<typeof VaultPushSecretMetadata>;

/** Checks an entry's metadata (absent is fine). Throws ConfigError naming the remote key and the fields at fault. */
export function parsePushMetadata(metadata: unknown, remoteKey: string): VaultPushSecretMetadata | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const parsed = VaultPushSecretMetadata.safeParse(metadata);
  if (parsed.success) return parsed.data;
  // Paths and zod's codes only: an issue's message may quote the value it rejected.
  const fields = parsed.error.issues
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.code}${issue.code === "unrecognized_keys" ? ` ${issue.keys.join(", ")}` : ""}`)
    .join("; ");
  throw new ConfigError(`metadata of the entry for vault key ${remoteKey} is not a valid PushSecretMetadata (${fields})`);
}
