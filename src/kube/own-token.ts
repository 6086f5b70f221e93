// The operator's own ServiceAccount token: where it is mounted, and the audiences a JWT names. Read by the
// vault provider (Kubernetes auth without refs, a ClusterSecretStore's choice) and by api-audiences.ts.
import { readFile } from "node:fs/promises";

/** Where the operator's own ServiceAccount token is mounted in its pod (overridable for tests and local runs). */
export const ownServiceAccountTokenPath = () => process.env["SECRETS_BRIDGE_SA_TOKEN_FILE"] ?? "/var/run/secrets/kubernetes.io/serviceaccount/token";

/** A token file is a few KiB; anything larger is not one, and is not read whole. */
const MAX_TOKEN_BYTES = 64 * 1024;

/** The trimmed contents of a token file. Throws when it is missing, unreadable or too large to be a token. */
export async function readTokenFile(path: string): Promise<string> {
  const text = await readFile(path, "utf8");
  if (text.length > MAX_TOKEN_BYTES) throw new Error(`${path} is too large to be a token`);
  return text.trim();
}

/**
 * The `aud` claim of a JWT, decoded without verifying anything: used only on tokens the operator itself holds,
 * to learn which audiences the apiserver issued them for. [] when the token is not a JWT or names none.
 */
export function jwtAudiences(token: string): string[] {
  const payload = token.split(".")[1];
  if (!payload || payload.length > MAX_TOKEN_BYTES) return [];
  try {
    const aud = (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { aud?: unknown }).aud;
    if (typeof aud === "string") return [aud];
    return Array.isArray(aud) ? aud.filter((entry): entry is string => typeof entry === "string") : [];
  } catch {
    return [];
  }
}
