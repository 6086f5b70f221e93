// spec.provider.vault: ESO's HashiCorp Vault / OpenBao store, field for field (secretstore_vault_types.go).
// No .default() here: defaults (version v2, mount paths per auth method) live in code so specs stay as written.
import { z } from "zod";
import { SecretKeySelector, ServiceAccountSelector } from "../../src/api/common.ts";

const mount = (method: string, fallback: string) =>
  z.string().optional().describe(`Path where the ${method} auth method is mounted (default "${fallback}").`);

export const VaultKubernetesAuth = z
  .object({
    mountPath: mount("Kubernetes", "kubernetes"),
    role: z.string().min(1).describe("Vault role to log in with; it must be bound to the ServiceAccount."),
    serviceAccountRef: ServiceAccountSelector.optional().describe(
      'ServiceAccount whose token the operator mints with TokenRequest for the login (preferred); audience: its `audiences`, else "vault" (set audience=vault on the Vault role).',
    ),
    secretRef: SecretKeySelector.optional().describe("Secret key holding a ServiceAccount token (legacy token Secrets)."),
  })
  .describe(
    "Kubernetes auth: log in with a ServiceAccount token; without refs the operator's own token is used (ClusterSecretStores only, unless the operator runs with --allow-ambient-credentials-for-namespaced-stores).",
  );

export const VaultAppRoleAuth = z
  .object({
    path: mount("AppRole", "approle"),
    roleId: z.string().optional().describe("The AppRole role_id (or use roleRef)."),
    roleRef: SecretKeySelector.optional().describe("Secret key holding the role_id."),
    secretRef: SecretKeySelector.describe("Secret key holding the secret_id."),
  })
  .describe("AppRole auth: role_id + secret_id.");

export const VaultJwtAuth = z
  .object({
    path: mount("JWT", "jwt"),
    role: z.string().optional().describe("Vault role to log in with (the mount's default role when empty)."),
    secretRef: SecretKeySelector.optional().describe("Secret key holding a JWT to log in with."),
    kubernetesServiceAccountToken: z
      .object({
        serviceAccountRef: ServiceAccountSelector.describe("ServiceAccount whose token is minted with TokenRequest."),
        audiences: z.array(z.string()).optional().describe('Deprecated: audiences of the token (default ["vault"]); prefer serviceAccountRef.audiences.'),
        expirationSeconds: z.number().int().min(600).optional().describe("Lifetime of the minted token in seconds (default 600)."),
      })
      .optional()
      .describe("Mint a ServiceAccount token with TokenRequest and use it as the JWT."),
  })
  .describe("JWT auth: log in with a JWT from a Secret or a minted ServiceAccount token.");

export const VaultCertAuth = z
  .object({
    path: mount("TLS certificate", "cert"),
    vaultRole: z.string().optional().describe("Name of the certificate role to log in as (any matching role when empty)."),
    clientCert: SecretKeySelector.optional().describe("Secret key holding the PEM client certificate."),
    secretRef: SecretKeySelector.optional().describe("Secret key holding the PEM private key of the client certificate."),
  })
  .describe("TLS certificate auth: the client certificate presented on the TLS connection logs in.");

export const VaultUserPassAuth = z
  .object({
    path: mount("userpass", "userpass"),
    username: z.string().min(1).describe("The user name."),
    secretRef: SecretKeySelector.optional().describe("Secret key holding the password."),
  })
  .describe("Userpass auth: user name and password.");

export const VaultAuth = z
  .object({
    namespace: z.string().optional().describe("Vault namespace to log in to (X-Vault-Namespace for the login only); defaults to spec.namespace."),
    tokenSecretRef: SecretKeySelector.optional().describe("Secret key holding a Vault token used as is (never renewed or revoked by the operator)."),
    kubernetes: VaultKubernetesAuth.optional(),
    appRole: VaultAppRoleAuth.optional(),
    jwt: VaultJwtAuth.optional(),
    cert: VaultCertAuth.optional(),
    userPass: VaultUserPassAuth.optional(),
  })
  .describe("How the operator authenticates to Vault: exactly one method.");

export const VaultCaProvider = z
  .object({
    type: z.enum(["Secret", "ConfigMap"]).describe("Kind of the object holding the CA bundle: Secret or ConfigMap."),
    name: z.string().min(1).describe("Name of the object."),
    key: z.string().min(1).describe("Key holding the PEM CA bundle."),
    namespace: z.string().optional().describe("Namespace of the object (ClusterSecretStore only; a SecretStore uses its own)."),
  })
  .describe("Where to read the CA bundle that signs the Vault server's certificate.");

export const VaultProviderSpec = z
  .object({
    server: z.string().url().describe('Vault server address, e.g. "https://vault.example:8200".'),
    path: z.string().optional().describe('Mount path of the KV engine, e.g. "secret"; when empty remoteRef.key starts with the mount.'),
    version: z.enum(["v1", "v2"]).optional().describe("KV engine version (default v2). With v1, keys of any read-only engine can be read."),
    namespace: z.string().optional().describe("Vault namespace, sent as X-Vault-Namespace on every request."),
    caBundle: z.string().optional().describe("Base64-encoded PEM CA bundle for the server's certificate."),
    caProvider: VaultCaProvider.optional(),
    tls: z
      .object({
        certSecretRef: SecretKeySelector.optional().describe("Secret key holding a PEM client certificate for mutual TLS."),
        keySecretRef: SecretKeySelector.optional().describe("Secret key holding the PEM private key for mutual TLS."),
      })
      .optional()
      .describe("Client certificate presented on every connection (mutual TLS)."),
    readYourWrites: z.boolean().optional().describe("Send back the X-Vault-Index of earlier responses (Vault Enterprise performance standbys)."),
    checkAndSet: z
      .object({
        required: z
          .boolean()
          .optional()
          .describe("Every KV v2 data write of a PushSecret carries options.cas (the version read before writing, 0 for a new secret); a lost race fails with a conflict and is retried."),
      })
      .optional()
      .describe("Check-and-set for KV v2 writes (PushSecret only; ignored for KV v1, which has no versions)."),
    forwardInconsistent: z.boolean().optional().describe("Ask standbys to forward requests they cannot serve consistently (X-Vault-Inconsistent)."),
    headers: z.record(z.string(), z.string()).optional().describe("Extra HTTP headers sent on every request."),
    auth: VaultAuth.optional(),
  })
  .describe("HashiCorp Vault or OpenBao (ESO's vault provider).");
export type VaultProviderSpec = z.infer<typeof VaultProviderSpec>;
export type VaultAuth = z.infer<typeof VaultAuth>;
