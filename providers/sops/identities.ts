// The age identities of a store: every `*.agekey` entry of the decryption Secret (Flux's convention), read at
// decryption time so a rotated key Secret takes effect without reconnecting. Only key names are ever logged.
import type { Logger } from "pino";
import { Decrypter } from "age-encryption";
import type { KubeAccess } from "../../src/kube/access.ts";
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { ProviderError } from "../../src/provider/errors.ts";
import { sopsError } from "./errors.ts";
import type { SopsDecryption } from "./schema.ts";

/** The identity lines of an age key file (`age-keygen` output): comments and blank lines dropped. */
export function identityLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith("AGE-SECRET-KEY-"));
}

/** True when typage accepts the identity (X25519 or post-quantum hybrid). */
export function isValidIdentity(line: string): boolean {
  try {
    new Decrypter().addIdentity(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads the identities. Throws ConfigError when the Secret is missing or out of the store's reach, and
 * SopsError NoIdentity when it holds no usable `*.agekey` entry.
 */
export async function readIdentities(kube: KubeAccess, decryption: SopsDecryption, log: Logger): Promise<string[]> {
  const ref = decryption.ageKeySecretRef;
  let data: Record<string, Uint8Array>;
  try {
    data = await kube.readSecret(ref.name, ref.namespace);
    recordProviderCall("sops", "ReadAgeKeySecret", "success");
  } catch (err) {
    recordProviderCall("sops", "ReadAgeKeySecret", err instanceof ProviderError && err.reason === "InvalidProviderConfig" ? "not_found" : "error");
    throw err;
  }
  const identities: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (!key.endsWith(".agekey")) continue;
    const lines = identityLines(Buffer.from(value).toString("utf8"));
    const valid = lines.filter(isValidIdentity);
    if (valid.length < lines.length || lines.length === 0) log.warn({ key }, "age key entry holds no valid identity (or some invalid lines)");
    identities.push(...valid);
  }
  if (identities.length === 0) throw sopsError("NoIdentity", `secret ${ref.name} has no *.agekey entry with a valid age identity`);
  return identities;
}
