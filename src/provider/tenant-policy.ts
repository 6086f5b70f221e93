// What a store's author may make the operator do with credentials (issue 14): a SecretStore is written by an app
// team the operator does not trust, a ClusterSecretStore by the platform team. Three pure decisions, each
// answering "refused, and why" or undefined: the operator's own identity, endpoint overrides, token audiences.
// The session layer, the providers and kube/access.ts turn a refusal into a ConfigError (Ready=False, no retry).
import { isIP } from "node:net";
import type { StoreIdentity } from "./store-identity.ts";

/** The operator flag that lets SecretStores use the operator's own identity (a platform team's decision). */
export const AMBIENT_FLAG = "--allow-ambient-credentials-for-namespaced-stores";

/**
 * Whether a store may authenticate as the operator itself. `uses` is the provider's description of that identity
 * for this spec (Provider.operatorIdentity), undefined when the spec names every credential. ClusterSecretStores
 * may, as in ESO; SecretStores only when the operator runs with AMBIENT_FLAG.
 */
export function ambientRefusal(kind: StoreIdentity["kind"], uses: string | undefined, allowNamespaced: boolean): string | undefined {
  if (uses === undefined || kind === "ClusterSecretStore" || allowNamespaced) return undefined;
  return `a SecretStore may not use the operator's own identity (${uses}); name credentials (secretRef/serviceAccountRef) or use a ClusterSecretStore`;
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts an endpoint override may reach over plain http. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1";
  return false;
}

/**
 * Whether a store's endpoint override (a URL the provider's API calls go to, with credentials) is acceptable:
 * https, or plain http to a loopback host (local emulators). The message names scheme and host only, never
 * anything else the URL may carry.
 */
export function endpointRefusal(field: string, raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${field} is not a valid URL`;
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return `${field} ${url.protocol}//${url.host} is refused: endpoint overrides must use https (plain http only to a loopback address)`;
}

/** The audiences a spec names, or the provider's when it names none (an empty list is "none"): never empty. */
export function audiencesOr(named: readonly string[] | undefined, fallback: readonly string[]): string[] {
  return [...new Set(named?.length ? named : fallback)];
}

/** Audiences compare without trailing slashes: `https://host/` and `https://host` name the same server here. */
export const audienceKey = (audience: string) => audience.replace(/\/+$/, "");

/**
 * Whether a ServiceAccount token may be minted for `audiences`. `apiServer` holds the kube-apiserver's own
 * audiences (keys, see api-audiences.ts): a token for any of them, or with no audience at all (which the
 * apiserver fills with its own), would be valid against the cluster's API wherever the provider sends it.
 */
export function audienceRefusal(audiences: readonly string[], apiServer: ReadonlySet<string>): string | undefined {
  if (audiences.length === 0 || audiences.some((audience) => audienceKey(audience) === "")) {
    return "a token without an audience is refused: the kube-apiserver would accept it";
  }
  const own = audiences.filter((audience) => apiServer.has(audienceKey(audience)));
  if (own.length === 0) return undefined;
  return `audience ${own.map((audience) => JSON.stringify(audience)).join(", ")} is refused: the kube-apiserver accepts it, so the token would be valid against the cluster's API; name the provider's audience or leave audiences empty`;
}
