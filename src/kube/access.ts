// What providers may read from Kubernetes for auth: Secret keys and ServiceAccount tokens, resolved with the
// store's namespace rules (a SecretStore reads only its own namespace; a ClusterSecretStore ref without a
// namespace resolves in the ExternalSecret's namespace); tokens are never minted for the kube-apiserver's own
// audiences (tenant-policy.ts, issue 14).
import type { SecretKeySelector, ServiceAccountSelector } from "../api/common.ts";
import type { StoreIdentity } from "../provider/store-identity.ts";
import { ConfigError, ProviderUnavailableError } from "../provider/errors.ts";
import type { KubeClients } from "./clients.ts";
import { isForbidden, isNotFound, kubeErrorSummary } from "./errors.ts";
import { audienceRefusal } from "../provider/tenant-policy.ts";
import { apiServerAudiences } from "./api-audiences.ts";

export interface KubeAccess {
  /** The bytes of one key of a Secret. Throws ConfigError when the Secret or key is missing. */
  readSecretKey(ref: SecretKeySelector): Promise<Uint8Array>;
  /**
   * All keys of a Secret. `requireLabel`: the Secret must carry this label with this value (ConfigError otherwise),
   * as ESO's Webhook requires `external-secrets.io/type: webhook` on the Secrets it reads.
   */
  readSecret(name: string, namespace?: string, opts?: { requireLabel?: readonly [string, string] }): Promise<Record<string, Uint8Array>>;
  /**
   * All keys of a ConfigMap (`data` as UTF-8 bytes, `binaryData` as is), with the same namespace rules.
   * Throws ConfigError when it is missing or not readable. Optional so existing fakes stay valid.
   */
  readConfigMap?(name: string, namespace?: string): Promise<Record<string, Uint8Array>>;
  /**
   * A token for a ServiceAccount, minted with TokenRequest: the one place every provider gets one (Vault
   * Kubernetes/JWT auth, AWS web identity, GCP workload identity), for `ref.audiences` (the caller fills in its
   * provider's audience). Throws ConfigError, minting nothing, when token requests are disabled
   * (--service-account-token-requests=false), or when the list is empty or names one of the kube-apiserver's own
   * audiences: such a token would be valid against the cluster's API wherever the provider sends it.
   */
  serviceAccountToken(ref: ServiceAccountSelector, expirationSeconds?: number): Promise<string>;
  /** The namespace a ref resolves in. Throws ConfigError when the store may not reach it. */
  resolveNamespace(refNamespace: string | undefined): string;
  /** A ServiceAccount's annotations (e.g. AWS IRSA's eks.amazonaws.com/role-arn). Throws ConfigError when it is missing. */
  serviceAccountAnnotations(ref: ServiceAccountSelector): Promise<Record<string, string>>;
}

export const TOKEN_REQUESTS_DISABLED = "token requests are disabled by the platform (--service-account-token-requests=false)";

export function kubeAccess(clients: KubeClients, store: StoreIdentity): KubeAccess {
  const resolveNamespace = (refNamespace: string | undefined): string => {
    if (store.kind === "SecretStore") {
      if (refNamespace && refNamespace !== store.namespace) {
        throw new ConfigError(`a SecretStore may only reference objects in its own namespace ${store.namespace}, not ${refNamespace}`);
      }
      return store.namespace!;
    }
    const namespace = refNamespace ?? store.referentNamespace;
    if (!namespace) throw new ConfigError("a ClusterSecretStore reference needs a namespace");
    return namespace;
  };

  const readSecret = async (name: string, refNamespace?: string, opts: { requireLabel?: readonly [string, string] } = {}): Promise<Record<string, Uint8Array>> => {
    const namespace = resolveNamespace(refNamespace);
    try {
      const secret = await clients.core.readNamespacedSecret({ name, namespace });
      const [label, wanted] = opts.requireLabel ?? [];
      if (label !== undefined && secret.metadata?.labels?.[label] !== wanted) throw new ConfigError(`secret ${namespace}/${name} does not carry the label ${label}: ${wanted}`);
      const out: Record<string, Uint8Array> = {};
      for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value, "base64");
      return out;
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      if (isNotFound(err)) throw new ConfigError(`secret ${namespace}/${name} not found`);
      if (isForbidden(err)) throw new ConfigError(`not allowed to read secret ${namespace}/${name}`);
      throw new ProviderUnavailableError(`reading secret ${namespace}/${name}: ${kubeErrorSummary(err)}`);
    }
  };

  const readConfigMap = async (name: string, refNamespace?: string): Promise<Record<string, Uint8Array>> => {
    const namespace = resolveNamespace(refNamespace);
    try {
      const configMap = await clients.core.readNamespacedConfigMap({ name, namespace });
      const out: Record<string, Uint8Array> = {};
      for (const [key, value] of Object.entries(configMap.data ?? {})) out[key] = Buffer.from(value, "utf8");
      for (const [key, value] of Object.entries(configMap.binaryData ?? {})) out[key] = Buffer.from(value, "base64");
      return out;
    } catch (err) {
      if (isNotFound(err)) throw new ConfigError(`configmap ${namespace}/${name} not found`);
      if (isForbidden(err)) throw new ConfigError(`not allowed to read configmap ${namespace}/${name}`);
      throw new ProviderUnavailableError(`reading configmap ${namespace}/${name}: ${kubeErrorSummary(err)}`);
    }
  };

  return {
    resolveNamespace,
    readSecret,
    readConfigMap,
    async readSecretKey(ref) {
      if (!ref.key) throw new ConfigError(`secret reference ${ref.name} needs a key`);
      const data = await readSecret(ref.name, ref.namespace);
      const value = data[ref.key];
      if (value === undefined) throw new ConfigError(`key ${ref.key} not found in secret ${resolveNamespace(ref.namespace)}/${ref.name}`);
      return value;
    },
    async serviceAccountAnnotations(ref) {
      const namespace = resolveNamespace(ref.namespace);
      try {
        const account = await clients.core.readNamespacedServiceAccount({ name: ref.name, namespace });
        return account.metadata?.annotations ?? {};
      } catch (err) {
        if (isNotFound(err)) throw new ConfigError(`service account ${namespace}/${ref.name} not found`);
        if (isForbidden(err)) throw new ConfigError(`not allowed to read service account ${namespace}/${ref.name}`);
        throw new ProviderUnavailableError(`reading service account ${namespace}/${ref.name}: ${kubeErrorSummary(err)}`);
      }
    },
    async serviceAccountToken(ref, expirationSeconds = 600) {
      const namespace = resolveNamespace(ref.namespace);
      // The platform took `serviceaccounts/token create` away: say so once in the store's condition rather than
      // collect 403s (a ConfigError is not retried until the store changes).
      if (clients.tokenRequests === false) throw new ConfigError(`no token for service account ${namespace}/${ref.name}: ${TOKEN_REQUESTS_DISABLED}`);
      const audiences = ref.audiences ?? [];
      const refused = audienceRefusal(audiences, audiences.length > 0 ? await apiServerAudiences(clients) : new Set());
      if (refused) throw new ConfigError(`TokenRequest for service account ${namespace}/${ref.name}: ${refused}`);
      try {
        const response = await clients.core.createNamespacedServiceAccountToken({
          name: ref.name,
          namespace,
          body: { spec: { audiences, expirationSeconds } },
        });
        const token = response.status?.token;
        if (!token) throw new ProviderUnavailableError(`TokenRequest for ${namespace}/${ref.name} returned no token`);
        return token;
      } catch (err) {
        if (err instanceof ProviderUnavailableError) throw err;
        if (isNotFound(err)) throw new ConfigError(`service account ${namespace}/${ref.name} not found`);
        if (isForbidden(err)) throw new ConfigError(`not allowed to create tokens for service account ${namespace}/${ref.name}`);
        throw new ProviderUnavailableError(`TokenRequest for ${namespace}/${ref.name}: ${kubeErrorSummary(err)}`);
      }
    },
  };
}
