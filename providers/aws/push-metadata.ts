// A PushSecret entry's `metadata` for AWS (ESO's PushSecretMetadata with the Secrets Manager or Parameter Store
// spec), parsed strictly as ESO does (unknown fields refused), with ESO's defaults filled in. Pure.
import { z } from "zod";
import { ConfigError } from "../../src/provider/errors.ts";

/** The tag ESO (and we) put on every secret or parameter it creates; nothing without it is ever written over. */
export const MANAGED_BY = "managed-by";
export const EXTERNAL_SECRETS = "external-secrets";
/** ESO's default description of a secret or parameter it creates. */
const DEFAULT_DESCRIPTION = `secret '${MANAGED_BY}:${EXTERNAL_SECRETS}'`;

const Tags = z.record(z.string(), z.string()).describe("Tags set on the secret besides managed-by: external-secrets.");

const PolicySourceRef = z
  .strictObject({
    kind: z.enum(["ConfigMap", "Secret"]).describe("Where the policy document is."),
    name: z.string().min(1).describe("Its name, in the store's namespace (a ClusterSecretStore: the referent namespace)."),
    key: z.string().min(1).describe("The key holding the policy JSON."),
  })
  .describe("The resource policy document, read from a ConfigMap or Secret.");

export const SecretsManagerPushSpec = z.strictObject({
  tags: Tags.optional(),
  description: z.string().optional().describe("Description at creation (default \"secret 'managed-by:external-secrets'\")."),
  secretPushFormat: z.enum(["string", "binary"]).optional().describe("SecretString or SecretBinary (default binary, as ESO)."),
  kmsKeyId: z.string().optional().describe("KMS key at creation (default alias/aws/secretsmanager)."),
  resourcePolicy: z
    .strictObject({
      blockPublicPolicy: z.boolean().optional().describe("Sent with PutResourcePolicy: refuse a policy granting public access."),
      policySourceRef: PolicySourceRef.optional(),
    })
    .optional()
    .describe("The secret's resource policy (an empty document removes it)."),
  replicationLocations: z
    .array(z.string().min(1))
    .optional()
    .describe("Regions the secret is replicated to (the exact set; empty removes every replica; absent leaves replication alone)."),
});

export const ParameterStorePushSpec = z.strictObject({
  secretType: z.enum(["String", "StringList", "SecureString"]).optional().describe("Parameter type (default String)."),
  kmsKeyID: z.string().optional().describe("KMS key of a SecureString (default alias/aws/ssm)."),
  tier: z
    .strictObject({
      type: z.enum(["Standard", "Advanced", "Intelligent-Tiering"]).optional(),
      policies: z.unknown().optional().describe("Parameter policies (Advanced tier only), as JSON."),
    })
    .optional(),
  encodeAsDecoded: z.boolean().optional().describe("Whole-Secret pushes: values as text instead of base64 (ESO's default)."),
  tags: Tags.optional(),
  description: z.string().optional(),
});

const envelope = <S extends z.ZodType>(spec: S) =>
  z.strictObject({
    apiVersion: z.literal("kubernetes.external-secrets.io/v1alpha1"),
    kind: z.literal("PushSecretMetadata"),
    spec: spec.optional(),
  });

const SecretsManagerPushMetadata = envelope(SecretsManagerPushSpec);
const ParameterStorePushMetadata = envelope(ParameterStorePushSpec);

/** What a Secrets Manager push writes besides the value; description and KMS key apply at creation only (ESO). */
export interface SecretsManagerPushOptions {
  format: "string" | "binary";
  description: string;
  kmsKeyId: string;
  /** Every tag the secret should carry, the mark included. */
  tags: Record<string, string>;
  /** Whether the entry named tags at all: ESO leaves an existing secret's tags alone otherwise. */
  manageTags: boolean;
  /** Replica regions, the exact set; undefined: replication is left as it is. */
  replicationLocations: string[] | undefined;
  /** The entry's resource policy; undefined: the secret's policy is left as it is. */
  resourcePolicy: { source: PolicySource | undefined; blockPublicPolicy: boolean | undefined } | undefined;
}

export type PolicySource = z.infer<typeof PolicySourceRef>;

/** What a Parameter Store push writes besides the value. */
export interface ParameterStorePushOptions {
  type: "String" | "StringList" | "SecureString";
  /** Only for SecureString (ESO sends KeyId for that type only). */
  kmsKeyId: string | undefined;
  /** Sent only for the Advanced tier, with its policies (as ESO). */
  advanced: { policies: string | undefined } | undefined;
  encodeAsDecoded: boolean;
  description: string;
  /** Every tag the parameter should carry, the mark included. */
  tags: Record<string, string>;
}

function parse<T>(schema: z.ZodType<{ spec?: T | undefined }>, metadata: unknown, remoteKey: string): T | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  const parsed = schema.safeParse(metadata);
  if (!parsed.success) {
    // Paths and zod's wording only: metadata is configuration, but nothing from it is echoed back.
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    throw new ConfigError(`metadata of the entry for ${remoteKey} is not a valid PushSecretMetadata: ${issues}`);
  }
  return parsed.data.spec;
}

function withMark(tags: Record<string, string> | undefined, remoteKey: string): Record<string, string> {
  if (tags && Object.hasOwn(tags, MANAGED_BY)) throw new ConfigError(`metadata of the entry for ${remoteKey}: tags cannot set "${MANAGED_BY}" (the operator sets it)`);
  return { ...tags, [MANAGED_BY]: EXTERNAL_SECRETS };
}

export function secretsManagerPushOptions(metadata: unknown, remoteKey: string): SecretsManagerPushOptions {
  const spec = parse(SecretsManagerPushMetadata, metadata, remoteKey) ?? {};
  return {
    format: spec.secretPushFormat ?? "binary",
    description: spec.description || DEFAULT_DESCRIPTION,
    kmsKeyId: spec.kmsKeyId || "alias/aws/secretsmanager",
    tags: withMark(spec.tags, remoteKey),
    manageTags: Object.keys(spec.tags ?? {}).length > 0,
    replicationLocations: spec.replicationLocations,
    resourcePolicy: spec.resourcePolicy && { source: spec.resourcePolicy.policySourceRef, blockPublicPolicy: spec.resourcePolicy.blockPublicPolicy },
  };
}

// AWS takes policies as a JSON string; ESO passes the raw JSON of the field, so a JSON list or a string holding one.
const policiesText = (policies: unknown): string | undefined => {
  if (policies === undefined || policies === null) return undefined;
  return typeof policies === "string" ? policies : JSON.stringify(policies);
};

export function parameterStorePushOptions(metadata: unknown, remoteKey: string): ParameterStorePushOptions {
  const spec = parse(ParameterStorePushMetadata, metadata, remoteKey) ?? {};
  const type = spec.secretType ?? "String";
  const policies = spec.tier?.policies;
  return {
    type,
    kmsKeyId: type === "SecureString" ? spec.kmsKeyID || "alias/aws/ssm" : undefined,
    advanced: spec.tier?.type === "Advanced" ? { policies: policiesText(policies) } : undefined,
    encodeAsDecoded: spec.encodeAsDecoded ?? false,
    description: spec.description || DEFAULT_DESCRIPTION,
    tags: withMark(spec.tags, remoteKey),
  };
}

/**
 * How to bring `current` tags to `desired`: keys to remove (present, not desired) and whether to (re)set the
 * desired ones (one of them, other than the mark, missing or different: ESO's computeTagsToUpdate). Pure.
 */
export function tagChanges(current: Record<string, string>, desired: Record<string, string>): { remove: string[]; set: boolean } {
  const remove = Object.keys(current).filter((key) => !Object.hasOwn(desired, key));
  const set = Object.entries(desired).some(([key, value]) => key !== MANAGED_BY && current[key] !== value);
  return { remove, set };
}

/** AWS tags (`[{Key, Value}]`) as a map. */
export function tagMap(tags: Array<{ Key?: string | undefined; Value?: string | undefined }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? "";
  return out;
}

/** A map as AWS tags. */
export const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
