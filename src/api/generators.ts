// The generators.external-secrets.io/v1alpha1 kinds we serve: ESO's offline generators (Password, UUID, SSHKey,
// Fake) and ClusterGenerator, field for field. Defaults are applied in code (src/generators/), never in the CRD.
// The bounds below are ours: a generator's cost follows its spec, which a tenant writes, so absurd values are
// refused by the apiserver (and again at run time, for objects stored before the CRD had them).
import { z } from "zod";
import { SecretDataKey } from "./common.ts";
import type { ObjectMeta } from "./common.ts";

export const GENERATOR_GROUP = "generators.external-secrets.io";
export const GENERATOR_VERSION = "v1alpha1";
export const GENERATOR_API_VERSION = `${GENERATOR_GROUP}/${GENERATOR_VERSION}`;

/** Every kind ESO's generatorRef and ClusterGenerator accept (ESO's enum); only SERVED_GENERATOR_KINDS run here. */
export const GeneratorKind = z.enum([
  "ACRAccessToken", "BeyondtrustWorkloadCredentialsDynamicSecret", "ClusterGenerator", "CloudsmithAccessToken", "ECRAuthorizationToken", "Fake",
  "GCRAccessToken", "GithubAccessToken", "GitlabDeployToken", "QuayAccessToken", "Password", "SSHKey", "STSSessionToken", "UUID",
  "VaultDynamicSecret", "Webhook", "Grafana", "MFA",
]);
export type GeneratorKind = z.infer<typeof GeneratorKind>;

/** What a ClusterGenerator may wrap: ESO's list without ClusterGenerator itself. */
export const WrappedGeneratorKind = GeneratorKind.exclude(["ClusterGenerator"]);

/** The resource (plural) of each kind we serve, for reads and RBAC. */
export const GENERATOR_PLURALS: Record<string, string> = {
  Password: "passwords",
  UUID: "uuids",
  SSHKey: "sshkeys",
  Fake: "fakes",
  VaultDynamicSecret: "vaultdynamicsecrets",
  STSSessionToken: "stssessiontokens",
  ECRAuthorizationToken: "ecrauthorizationtokens",
  Webhook: "webhooks",
  ClusterGenerator: "clustergenerators",
};

/** Password length beyond which we refuse: far above any real password, far below a CPU or Secret-size problem. */
export const MAX_PASSWORD_LENGTH = 1024;
export const MAX_PASSWORD_KEYS = 64;
export const MAX_SYMBOL_CHARACTERS = 256;
export const MAX_SSH_COMMENT = 1024;

export const PasswordEncoding = z.enum(["base64", "base64url", "base32", "hex", "raw"]);

export const PasswordSpec = z
  .object({
    length: z.int().min(0).max(MAX_PASSWORD_LENGTH).optional().describe(`Length of the password to be generated. Defaults to 24 (0 also means 24); at most ${MAX_PASSWORD_LENGTH}.`),
    digits: z.int().min(0).max(MAX_PASSWORD_LENGTH).optional().describe("Number of digits in the generated password. If omitted it defaults to 25% of the length of the password."),
    symbols: z.int().min(0).max(MAX_PASSWORD_LENGTH).optional().describe("Number of symbol characters in the generated password. If omitted it defaults to 25% of the length of the password."),
    symbolCharacters: z.string().max(MAX_SYMBOL_CHARACTERS).optional().describe('The special characters used in the generated password. Defaults to ~!@#$%^&*()_+`-={}|[]\\:"<>?,./'),
    noUpper: z.boolean().optional().describe("Set NoUpper to disable uppercase characters (default false)."),
    allowRepeat: z.boolean().optional().describe("Set AllowRepeat to true to allow repeating characters (default false)."),
    secretKeys: z.array(SecretDataKey).min(1).max(MAX_PASSWORD_KEYS).optional().describe("The keys populated with generated passwords, each with its own. Defaults to \"password\"."),
    encoding: PasswordEncoding.optional().describe("Encoding of the generated password: raw (default), base64, base64url, base32 or hex."),
  })
  .describe("Generates a random password of the given length, digits, symbols and character set.");
export type PasswordSpec = z.infer<typeof PasswordSpec>;

export const UUIDSpec = z.object({}).describe("Generates a random (version 4) UUID under the key uuid.");
export type UUIDSpec = z.infer<typeof UUIDSpec>;

export const SSHKeySpec = z
  .object({
    keyType: z.enum(["rsa", "ecdsa", "ed25519"]).optional().describe("SSH key type: rsa (default), ecdsa or ed25519."),
    keySize: z.int().min(256).max(8192).optional().describe("Key size: for rsa 2048 (default), 3072 or 4096; for ecdsa 256 (default), 384 or 521; ignored for ed25519."),
    comment: z.string().max(MAX_SSH_COMMENT).optional().describe("Comment of the key, in the public key line and the private key."),
  })
  .describe("Generates an SSH key pair: privateKey (OpenSSH format) and publicKey (authorized_keys line).");
export type SSHKeySpec = z.infer<typeof SSHKeySpec>;

export const FakeSpec = z
  .object({
    controller: z.string().optional().describe("Used to select the correct ESO controller (think: ingress.ingressClassName)."),
    data: z.record(z.string(), z.string()).optional().describe("The static data returned by this generator."),
  })
  .describe("Returns static data: for tests and demos.");
export type FakeSpec = z.infer<typeof FakeSpec>;

/** Retries of a provider-backed generator's request (ESO's SecretStoreRetrySettings); bounded, since a tenant writes it. */
export const MAX_GENERATOR_RETRIES = 10;
export const GeneratorRetrySettings = z
  .object({
    maxRetries: z.int().min(0).max(MAX_GENERATOR_RETRIES).optional().describe(`Retries of a failed request (at most ${MAX_GENERATOR_RETRIES}).`),
    retryInterval: z.string().optional().describe('Wait between retries, a Go duration such as "2s" (default 1s, at most 30s).'),
  })
  .describe("Retries of the generator's provider request when it fails for a transient reason.");

/**
 * ESO's VaultDynamicSecretSpec around the vault provider's own slice of SecretStore.spec.provider (auth, TLS,
 * server): src/ never imports a provider, so whoever builds the CRDs passes that slice in (see kinds.ts).
 */
export function vaultDynamicSecretSpec<P extends z.ZodType>(vaultProvider: P) {
  return z
    .object({
      controller: z.string().optional().describe("Used to select the correct ESO controller (think: ingress.ingressClassName)."),
      method: z.string().max(16).optional().describe("Vault API method: GET (default), LIST, DELETE, or any other (POST, PUT) for a write with parameters."),
      parameters: z.looseObject({}).optional().describe("Parameters to pass to Vault write (for non-GET methods)."),
      getParameters: z.record(z.string(), z.array(z.string())).optional().describe("Query-string parameters passed to Vault on GET calls; ignored for other methods."),
      resultType: z.enum(["Data", "Auth", "Raw"]).optional().describe('Which part of Vault\'s answer becomes the keys: "data" (Data, default), "auth" (Auth, e.g. auth/token/create) or the whole answer (Raw).'),
      retrySettings: GeneratorRetrySettings.optional(),
      provider: vaultProvider.describe("The Vault provider spec (server, auth, TLS), as in a SecretStore's spec.provider.vault."),
      path: z.string().min(1).describe("Vault path to obtain the dynamic secret from, e.g. pki/issue/web or database/creds/app."),
      allowEmptyResponse: z.boolean().optional().describe("Do not fail if Vault answers without a body (a 404 on read, a 204 on write): the generator then yields no keys."),
    })
    .describe("Reads or writes a Vault path whose answer is a fresh secret (a dynamic secret, a certificate, a token).");
}
export type VaultDynamicSecretSpec<Provider> = {
  controller?: string | undefined;
  method?: string | undefined;
  parameters?: Record<string, unknown> | undefined;
  getParameters?: Record<string, string[]> | undefined;
  resultType?: "Data" | "Auth" | "Raw" | undefined;
  retrySettings?: { maxRetries?: number | undefined; retryInterval?: string | undefined } | undefined;
  provider: Provider;
  path: string;
  allowEmptyResponse?: boolean | undefined;
};

const endpointUrl = (what: string, env: string) => z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL").optional().describe(`${what} endpoint URL (overrides ${env}).`);

/**
 * ESO's STSSessionTokenSpec around the aws provider's `auth` field (its slice's, passed in like the vault slice),
 * plus the store's `endpoints.sts` extension (local and private endpoints, as on the aws store).
 */
export function stsSessionTokenSpec<A extends z.ZodType>(awsAuthField: A) {
  return z
    .object({
      region: z.string().min(1).describe("Region specifies the region to operate in."),
      auth: awsAuthField,
      role: z.string().optional().describe("A role to assume (AssumeRole) before calling GetSessionToken."),
      requestParameters: z
        .object({
          sessionDuration: z.int().min(900).max(129600).optional().describe("Seconds the credentials stay valid: 900 to 129600 (AWS's bounds); AWS's default is 43200."),
          serialNumber: z.string().max(256).optional().describe("The MFA device's serial number or ARN, when the IAM user needs MFA."),
          tokenCode: z.string().max(64).optional().describe("The MFA device's current code, when MFA is required."),
        })
        .optional()
        .describe("Parameters passed to STS GetSessionToken."),
      endpoints: z
        .object({ sts: endpointUrl("STS", "AWS_ENDPOINT_URL_STS") })
        .optional()
        .describe("secrets-bridge extension (not in ESO), as on the aws store: an STS endpoint override; https only (plain http only to loopback), and only with credentials named in auth."),
    })
    .describe("Generates temporary AWS credentials with STS GetSessionToken: access_key_id, secret_access_key, session_token, expiration (Unix seconds).");
}

/** ESO's ECRAuthorizationTokenSpec around the aws slice's `auth` field, plus our `endpoints` extension (ecr, sts). */
export function ecrAuthorizationTokenSpec<A extends z.ZodType>(awsAuthField: A) {
  return z
    .object({
      region: z.string().min(1).describe("Region specifies the region to operate in."),
      auth: awsAuthField,
      role: z.string().optional().describe("A role to assume (AssumeRole) before calling GetAuthorizationToken."),
      scope: z.string().optional().describe('The ECR service scope: "private" (default) or "public" (ECR Public: username, password, expires_at; no proxy_endpoint).'),
      endpoints: z
        .object({ ecr: endpointUrl("ECR", "AWS_ENDPOINT_URL_ECR"), sts: endpointUrl("STS", "AWS_ENDPOINT_URL_STS") })
        .optional()
        .describe("secrets-bridge extension (not in ESO), as on the aws store: endpoint overrides; https only (plain http only to loopback), and only with credentials named in auth."),
    })
    .describe("Generates a registry login with ECR GetAuthorizationToken: username, password, proxy_endpoint, expires_at (Unix seconds).");
}

/** Bounds of a Webhook generator's spec (a tenant writes it; each run renders and sends it). */
export const MAX_WEBHOOK_TEMPLATE = 16 * 1024;
export const MAX_WEBHOOK_HEADERS = 32;
export const MAX_WEBHOOK_SECRETS = 16;
export const MAX_WEBHOOK_JSONPATH = 512;

const SecretName = z.string().min(1).max(253);
const NtlmSecretRef = z.object({
  name: SecretName.describe("The name of the Secret resource being referred to."),
  key: z.string().optional().describe("The key of the entry in the Secret resource's `data` field to be used."),
  namespace: z.string().optional().describe("The namespace of the Secret resource being referred to."),
});

/** ESO's WebhookSpec (generators.external-secrets.io/v1alpha1 Webhook), field for field. */
export const WebhookSpec = z
  .object({
    method: z.string().max(16).optional().describe("Webhook Method (default GET)."),
    url: z.string().min(1).max(MAX_WEBHOOK_TEMPLATE).describe("Webhook url to call: a Go template over the secrets below (their values URL-escaped)."),
    headers: z.record(z.string().min(1).max(256), z.string().max(MAX_WEBHOOK_TEMPLATE)).optional().describe(`Headers, each value a Go template over the secrets below (at most ${MAX_WEBHOOK_HEADERS}).`),
    auth: z
      .object({
        ntlm: z
          .object({
            usernameSecret: NtlmSecretRef.describe("The Secret holding the NTLM user name."),
            passwordSecret: NtlmSecretRef.describe("The Secret holding the NTLM password."),
          })
          .optional()
          .describe("NTLM authentication (not served by secrets-bridge: such a generator is refused with a message)."),
      })
      .optional()
      .describe("Auth specifies a authorization protocol. Only one protocol may be set."),
    body: z.string().max(MAX_WEBHOOK_TEMPLATE).optional().describe("Body: a Go template over the secrets below."),
    timeout: z.string().max(32).optional().describe('Timeout of the whole call, a Go duration (default 30s, at most 5m).'),
    result: z
      .object({ jsonPath: z.string().max(MAX_WEBHOOK_JSONPATH).optional().describe("JSONPath of the answer's part that holds the keys (a JSON object, or a string of one); filter and script expressions are refused.") })
      .describe("Result formatting."),
    secrets: z
      .array(
        z.object({
          name: z.string().min(1).max(253).describe("Name of this secret in templates."),
          secretRef: z
            .object({
              name: SecretName.optional().describe("The name of the Secret resource being referred to."),
              key: z.string().optional().describe("The key where the token is found (unused: every key of the Secret is offered to templates)."),
            })
            .describe("Secret ref to fill in credentials; every key of it becomes {{ .<name>.<key> }}. It must carry the label external-secrets.io/type: webhook."),
        }),
      )
      .max(MAX_WEBHOOK_SECRETS)
      .optional()
      .describe("Secrets to fill in templates. These secrets will be passed to the templating function as key value pairs under the given name."),
    caBundle: z.base64().optional().describe("PEM encoded CA bundle used to validate the webhook server certificate (base64)."),
    caProvider: z
      .object({
        type: z.enum(["Secret", "ConfigMap"]).describe("The type of provider to use such as \"Secret\", or \"ConfigMap\"."),
        name: z.string().min(1).max(253).describe("The name of the object located at the provider type."),
        key: z.string().optional().describe("The key where the CA certificate can be found in the Secret or ConfigMap."),
        namespace: z.string().optional().describe("The namespace the Provider type is in (a namespaced Webhook reads only its own)."),
      })
      .optional()
      .describe("The provider for the CA bundle to use to validate webhook server certificate."),
  })
  .meta({ "x-kubernetes-validations": [{ rule: `!has(self.headers) || size(self.headers) <= ${MAX_WEBHOOK_HEADERS}`, message: `at most ${MAX_WEBHOOK_HEADERS} headers` }] })
  .describe("Calls an HTTP endpoint and turns its JSON answer (or the part result.jsonPath selects) into the keys.");
export type WebhookSpec = z.infer<typeof WebhookSpec>;

/** A spec of a kind ESO has and we do not serve yet: stored as written, so nothing is pruned before a later stage serves it. */
const NotServedSpec = (kind: string) => z.looseObject({}).optional().describe(`The ${kind} generator's spec (not served by secrets-bridge yet: kept as written).`);

/** The aws slice's `auth` field (optional AWSAuth), which the AWS generators embed; undefined without the aws provider. */
export function awsAuthField(providerSlices: Record<string, z.ZodType>): z.ZodType | undefined {
  const aws = providerSlices["aws"];
  return aws instanceof z.ZodObject ? (aws.shape as Record<string, z.ZodType>)["auth"] : undefined;
}

/**
 * The ClusterGenerator schema; provider-backed kinds get their real spec when the provider's slice is passed in
 * (the CRDs), and are kept as written otherwise (a build without that provider).
 */
export function clusterGeneratorSpec(providerSlices: Record<string, z.ZodType> = {}) {
  return z
    .object({
      kind: WrappedGeneratorKind.describe("Kind of the generator this ClusterGenerator wraps."),
      generator: z
        .object({
          acrAccessTokenSpec: NotServedSpec("ACRAccessToken"),
          beyondtrustWorkloadCredentialsDynamicSecretSpec: NotServedSpec("BeyondtrustWorkloadCredentialsDynamicSecret"),
          cloudsmithAccessTokenSpec: NotServedSpec("CloudsmithAccessToken"),
          ecrAuthorizationTokenSpec: awsAuthField(providerSlices) ? ecrAuthorizationTokenSpec(awsAuthField(providerSlices)!).optional() : NotServedSpec("ECRAuthorizationToken"),
          fakeSpec: FakeSpec.optional(),
          gcrAccessTokenSpec: NotServedSpec("GCRAccessToken"),
          githubAccessTokenSpec: NotServedSpec("GithubAccessToken"),
          gitlabDeployTokenSpec: NotServedSpec("GitlabDeployToken"),
          quayAccessTokenSpec: NotServedSpec("QuayAccessToken"),
          passwordSpec: PasswordSpec.optional(),
          sshKeySpec: SSHKeySpec.optional(),
          stsSessionTokenSpec: awsAuthField(providerSlices) ? stsSessionTokenSpec(awsAuthField(providerSlices)!).optional() : NotServedSpec("STSSessionToken"),
          uuidSpec: UUIDSpec.optional(),
          vaultDynamicSecretSpec: providerSlices["vault"] ? vaultDynamicSecretSpec(providerSlices["vault"]).optional() : NotServedSpec("VaultDynamicSecret"),
          webhookSpec: WebhookSpec.optional(),
          grafanaSpec: NotServedSpec("Grafana"),
          mfaSpec: NotServedSpec("MFA"),
        })
        .describe("The spec of the generator, under <kind>Spec (passwordSpec, uuidSpec, sshKeySpec, fakeSpec ...); must match kind."),
    })
    .describe("A cluster-wide generator, referenced from generatorRef in any namespace.");
}
export const ClusterGeneratorSpec = clusterGeneratorSpec();
export type ClusterGeneratorSpec = z.infer<typeof ClusterGeneratorSpec>;

/** A generator object as read from the apiserver (spec still unparsed: its kind decides the schema). */
export interface GeneratorObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
}
