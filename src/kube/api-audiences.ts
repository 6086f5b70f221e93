// The kube-apiserver's own token audiences (its --api-audiences, which default to the service-account issuer),
// so that no ServiceAccount token minted for a store is valid against the cluster's API (issue 14). Learned once
// per client set from what the operator can see without extra RBAC:
// - the `aud` of the token the operator authenticates with (in a pod: its mounted ServiceAccount token, which the
//   kubelet requests with the apiserver's audiences) and of the token file at ownServiceAccountTokenPath;
// - the `issuer` of /.well-known/openid-configuration (readable by ServiceAccounts and admins);
// - the in-cluster service names, which clusters commonly accept (refusing them costs nothing).
// If no live source answers, nothing is minted (fail closed) and the next TokenRequest asks again.
import { WellKnownApi } from "./http/index.ts";
import { ProviderUnavailableError } from "../provider/errors.ts";
import { audienceKey } from "../provider/tenant-policy.ts";
import type { KubeClients } from "./clients.ts";
import { jwtAudiences, ownServiceAccountTokenPath, readTokenFile } from "./own-token.ts";

export const COMMON_APISERVER_AUDIENCES = ["https://kubernetes.default.svc", "https://kubernetes.default.svc.cluster.local", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];

/** One way to learn audiences; it may throw or answer [] (then it taught nothing). */
export type AudienceSource = () => Promise<string[]>;

/**
 * The union (as audienceKey values) of what the sources answer plus the common in-cluster names, or undefined
 * when no source answered anything: then the caller cannot tell which audiences are the apiserver's.
 */
export async function discoverAudiences(sources: AudienceSource[]): Promise<Set<string> | undefined> {
  const answers = await Promise.all(sources.map((source) => source().catch(() => [] as string[])));
  const learned = answers.flat().filter((audience) => audienceKey(audience) !== "");
  if (learned.length === 0) return undefined;
  return new Set([...learned, ...COMMON_APISERVER_AUDIENCES].map(audienceKey));
}

/** The sources for a client set: its user's token (inline or a file, as in-cluster), the own token file, the issuer. */
export function clientAudienceSources(clients: KubeClients): AudienceSource[] {
  const user = clients.kc.getCurrentUser();
  const userTokenFile = user?.tokenFile ?? (user?.authProvider as { config?: { tokenFile?: unknown } } | undefined)?.config?.tokenFile;
  return [
    async () => (user?.token ? jwtAudiences(user.token) : []),
    async () => (typeof userTokenFile === "string" ? jwtAudiences(await readTokenFile(userTokenFile)) : []),
    async () => jwtAudiences(await readTokenFile(ownServiceAccountTokenPath())),
    async () => {
      const raw: unknown = await clients.kc.makeApiClient(WellKnownApi).getServiceAccountIssuerOpenIDConfiguration();
      const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as { issuer?: unknown } | null;
      return typeof doc?.issuer === "string" ? [doc.issuer] : [];
    },
  ];
}

const learned = new WeakMap<KubeClients, Promise<ReadonlySet<string>>>();

/**
 * The apiserver's audiences (audienceKey values) as seen through `clients`, learned on first use and kept.
 * Throws ProviderUnavailableError when nothing could be learned (retried with backoff; nothing is minted).
 */
export function apiServerAudiences(clients: KubeClients): Promise<ReadonlySet<string>> {
  const known = learned.get(clients);
  if (known) return known;
  const pending = discoverAudiences(clientAudienceSources(clients)).then((found) => {
    if (found) return found;
    learned.delete(clients);
    throw new ProviderUnavailableError(
      "cannot tell the kube-apiserver's token audiences (no ServiceAccount token of the operator to read and /.well-known/openid-configuration not readable), so no ServiceAccount token is minted",
    );
  });
  learned.set(clients, pending);
  return pending;
}
