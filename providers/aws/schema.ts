// spec.provider.aws: ESO's AWS store (Secrets Manager or Parameter Store), field for field, plus our additive
// `endpoints` for local and private (VPC) endpoints. No defaults here: they live in code (see index.ts).
import { z } from "zod";
import { SecretKeySelector, ServiceAccountSelector } from "../../src/api/common.ts";

export const AwsService = z.enum(["SecretsManager", "ParameterStore"]);
export type AwsService = z.infer<typeof AwsService>;

const Tag = z
  .object({
    key: z.string().min(1).max(128).describe("Tag key."),
    value: z.string().max(256).describe("Tag value."),
  })
  .describe("A session tag passed to AssumeRole.");

export const AwsAuth = z
  .object({
    secretRef: z
      .object({
        accessKeyIDSecretRef: SecretKeySelector.optional().describe("The key of a Secret holding the AWS access key id."),
        secretAccessKeySecretRef: SecretKeySelector.optional().describe("The key of a Secret holding the AWS secret access key."),
        sessionTokenSecretRef: SecretKeySelector.optional().describe("The key of a Secret holding an AWS session token (temporary credentials)."),
      })
      .optional()
      .describe("Static credentials read from Kubernetes Secrets."),
    jwt: z
      .object({
        serviceAccountRef: ServiceAccountSelector.optional().describe(
          "ServiceAccount whose token the operator mints (TokenRequest) for AssumeRoleWithWebIdentity; the role is its eks.amazonaws.com/role-arn annotation.",
        ),
      })
      .optional()
      .describe("IRSA-style web identity through a chosen ServiceAccount."),
  })
  .describe(
    "How to authenticate; when empty the default credential chain of the operator's environment is used (ClusterSecretStores only, unless the operator runs with --allow-ambient-credentials-for-namespaced-stores; never together with endpoints).",
  );
export type AwsAuth = z.infer<typeof AwsAuth>;

export const AwsEndpoints = z
  .object({
    secretsManager: z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL").optional().describe("Secrets Manager endpoint URL (overrides AWS_ENDPOINT_URL_SECRETS_MANAGER)."),
    ssm: z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL").optional().describe("Systems Manager (Parameter Store) endpoint URL (overrides AWS_ENDPOINT_URL_SSM)."),
    sts: z.string().regex(/^https?:\/\/[^\s]+$/, "must be an http(s) URL").optional().describe("STS endpoint URL used for AssumeRole and web identity (overrides AWS_ENDPOINT_URL_STS)."),
  })
  .describe(
    "secrets-bridge extension (not in ESO): endpoint overrides for local or private endpoints; https only (plain http to loopback addresses), and only with credentials named in auth. Without it the AWS_ENDPOINT_URL* environment variables apply, then AWS's public endpoints.",
  );

export const AwsProviderSpec = z
  .object({
    service: AwsService.describe("Which AWS service holds the secrets: SecretsManager or ParameterStore."),
    region: z.string().min(1).describe("AWS region, e.g. eu-west-1."),
    role: z.string().optional().describe("ARN of a role to assume (after additionalRoles) with externalID and session tags."),
    additionalRoles: z.array(z.string()).optional().describe("Role ARNs assumed in order before `role` (role chaining)."),
    externalID: z.string().optional().describe("External ID passed when assuming `role`."),
    sessionTags: z.array(Tag).optional().describe("Session tags passed when assuming `role`."),
    transitiveTagKeys: z.array(z.string()).optional().describe("Session tag keys that stay with the session through further role chaining."),
    prefix: z.string().optional().describe("Prefix prepended to every remote key (and to find.path)."),
    auth: AwsAuth.optional(),
    secretsManager: z
      .object({
        forceDeleteWithoutRecovery: z
          .boolean()
          .optional()
          .describe("PushSecret deletion (deletionPolicy: Delete): delete the secret at once, without a recovery window. Cannot be combined with recoveryWindowInDays."),
        recoveryWindowInDays: z
          .number()
          .int()
          .optional()
          .describe("PushSecret deletion: days (7 to 30) Secrets Manager keeps a deleted secret recoverable; AWS's default is 30. Cannot be combined with forceDeleteWithoutRecovery."),
      })
      .optional()
      .describe("How PushSecret deletes Secrets Manager secrets (only when deletionPolicy is Delete)."),
    endpoints: AwsEndpoints.optional(),
  })
  .describe("AWS Secrets Manager or Systems Manager Parameter Store.");
export type AwsProviderSpec = z.infer<typeof AwsProviderSpec>;
