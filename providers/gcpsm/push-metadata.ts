// A PushSecret entry's `metadata` for Secret Manager (ESO's gcp PushSecretMetadataSpec, field for field), and the
// pure decisions made from it: the labels and annotations a pushed secret should carry, and its replication.
import { z } from "zod";
import { ConfigError } from "../../src/provider/errors.ts";

/** ESO's ownership mark on a Secret Manager secret (a label). */
export const MANAGED_BY_KEY = "managed-by";
export const MANAGED_BY_VALUE = "external-secrets";

const StringMap = z.record(z.string(), z.string());

export const GcpPushSecretMetadataSpec = z
  .object({
    annotations: StringMap.optional().describe("Annotations of the Secret Manager secret (replace the existing ones)."),
    labels: StringMap.optional().describe("Labels of the Secret Manager secret; `managed-by: external-secrets` is always added."),
    topics: z.array(z.string()).optional().describe("Pub/Sub topics (projects/P/topics/T) notified of changes; set when the secret is created."),
    mergePolicy: z.enum(["Replace", "Merge"]).optional().describe("Replace (default): the secret's labels become `labels`; Merge: labels already on the secret are kept."),
    cmekKeyName: z.string().optional().describe("Cloud KMS key encrypting the secret (customer-managed encryption); set when the secret is created."),
    replicationLocation: z.string().optional().describe("Deprecated: one user-managed replication location (replicationLocations wins)."),
    replicationLocations: z.array(z.string()).optional().describe("User-managed replication locations; set when the secret is created (default: automatic)."),
  })
  // ESO decodes with DisallowUnknownFields: a misspelt field is an error, not silently ignored.
  .strict();
export type GcpPushSecretMetadataSpec = z.infer<typeof GcpPushSecretMetadataSpec>;

export const GcpPushSecretMetadata = z
  .object({
    apiVersion: z.literal("kubernetes.external-secrets.io/v1alpha1"),
    kind: z.literal("PushSecretMetadata"),
    spec: GcpPushSecretMetadataSpec.optional(),
  })
  .strict();

/** The entry's metadata spec ({} when absent). Throws ConfigError naming the offending fields. */
export function parsePushMetadata(metadata: unknown): GcpPushSecretMetadataSpec {
  if (metadata === undefined || metadata === null) return {};
  const parsed = GcpPushSecretMetadata.safeParse(metadata);
  if (!parsed.success) {
    // Paths and zod's own words only: metadata is not secret, but keep the message short and fixed.
    const problems = parsed.error.issues
      .map((issue) => {
        const where = issue.path.join(".") || "(root)";
        // Field names are not secret and say what to fix; values are never quoted.
        return issue.code === "unrecognized_keys" ? `${where}: unknown field(s) ${issue.keys.join(", ")}` : `${where}: ${issue.code}`;
      })
      .join("; ");
    throw new ConfigError(`invalid PushSecret metadata for gcpsm (kubernetes.external-secrets.io/v1alpha1 PushSecretMetadata): ${problems}`);
  }
  return parsed.data.spec ?? {};
}

export const isOwned = (labels: Record<string, string> | null | undefined): boolean => labels?.[MANAGED_BY_KEY] === MANAGED_BY_VALUE;

/**
 * Labels a whole-value push leaves on the secret: the metadata's labels (with Merge, on top of those already
 * there: ours win, so a changed label value takes effect), plus the ownership mark.
 * ESO's code lets existing labels win under Merge, which would never apply an edited value; its docs say merge.
 */
export function desiredLabels(spec: GcpPushSecretMetadataSpec, existing: Record<string, string>): Record<string, string> {
  const base = spec.mergePolicy === "Merge" ? { ...existing } : {};
  return { ...base, ...spec.labels, [MANAGED_BY_KEY]: MANAGED_BY_VALUE };
}

/** Annotations a whole-value push leaves: exactly the metadata's (ESO replaces them whatever the mergePolicy). */
export function desiredAnnotations(spec: GcpPushSecretMetadataSpec): Record<string, string> {
  return { ...spec.annotations };
}

export type Replication =
  | { automatic: { customerManagedEncryption?: { kmsKeyName: string } } }
  | { userManaged: { replicas: Array<{ location: string; customerManagedEncryption?: { kmsKeyName: string } }> } };

/**
 * Replication of a new global secret, as ESO builds it: user-managed with one replica per location (each with the
 * CMEK key when set), else automatic (carrying the CMEK key when set, so that choice is not dropped).
 */
export function replicationFor(spec: GcpPushSecretMetadataSpec): Replication {
  const locations = spec.replicationLocations?.length ? spec.replicationLocations : spec.replicationLocation ? [spec.replicationLocation] : [];
  const cmek = spec.cmekKeyName ? { customerManagedEncryption: { kmsKeyName: spec.cmekKeyName } } : {};
  if (locations.length === 0) return { automatic: { ...cmek } };
  return { userManaged: { replicas: locations.map((location) => ({ location, ...cmek })) } };
}

/** Two string maps hold the same entries (absent and empty are equal, as Go's maps.Equal on nil). */
export function sameEntries(a: Record<string, string> | null | undefined, b: Record<string, string> | null | undefined): boolean {
  const left = Object.entries(a ?? {});
  return left.length === Object.keys(b ?? {}).length && left.every(([key, value]) => Object.hasOwn(b ?? {}, key) && b![key] === value);
}
