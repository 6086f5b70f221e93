// PushSecret (external-secrets.io/v1alpha1, namespaced, short name ps): Secrets of its own namespace written to
// external stores. Field names, enums and meaning follow External Secrets Operator's v1alpha1 API.
import { z } from "zod";
import { Condition, Duration, GROUP, LabelSelector, StoreKind } from "./common.ts";
import type { ObjectMeta } from "./common.ts";
import { GeneratorRef, Rewrite, Template } from "./external-secret.ts";

export const PUSH_VERSION = "v1alpha1";
export const PUSH_API_VERSION = `${GROUP}/${PUSH_VERSION}`;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const PushUpdatePolicy = z.enum(["Replace", "IfNotExists"]);
export const PushDeletionPolicy = z.enum(["Delete", "None"]);
export const PushConversionStrategy = z.enum(["None", "ReverseUnicode"]);

export const PushSecretStoreRef = z
  .object({
    name: z.string().min(1).max(253).regex(SUBDOMAIN, "must be a DNS-1123 subdomain").optional().describe("Push to the store of this name."),
    labelSelector: LabelSelector.optional().describe("Push to every store of the kind whose labels match."),
    kind: StoreKind.optional().describe("SecretStore (default) or ClusterSecretStore."),
  })
  .describe("A store (or stores, by labels) to push to.");
export type PushSecretStoreRef = z.infer<typeof PushSecretStoreRef>;

export const PushSecretRemoteRef = z
  .object({
    remoteKey: z.string().min(1).describe("Name of the secret in the provider."),
    property: z.string().optional().describe("A property of the provider's secret (a JSON object) to write; other properties are kept."),
  })
  .describe("Where the value goes in the provider.");

/** Provider-specific metadata (ESO's PushSecretMetadata document): any JSON, validated by the provider. */
const PushMetadata = z.unknown().describe("Provider-specific metadata (kind PushSecretMetadata): tags, labels, KMS key, format ...; see the provider's documentation.");

export const PushSecretData = z
  .object({
    match: z
      .object({
        secretKey: z.string().optional().describe("Key of the source Secret to push; empty: the whole Secret as one JSON object."),
        remoteRef: PushSecretRemoteRef,
      })
      .describe("Which source key goes where."),
    metadata: PushMetadata.optional(),
    conversionStrategy: PushConversionStrategy.optional().describe("None (default) or ReverseUnicode (_UXXXX_ sequences in keys become the characters)."),
  })
  .describe("One value pushed to the provider.");
export type PushSecretData = z.infer<typeof PushSecretData>;

export const PushSecretDataTo = z
  .object({
    storeRef: PushSecretStoreRef.optional().describe("The store(s) this entry pushes to (by name: one of secretStoreRefs)."),
    remoteKey: z.string().optional().describe("Bundle mode: every matched key goes into this one provider secret as a JSON object."),
    match: z.object({ regexp: z.string().optional().describe("Keys matching this regular expression (RE2); empty: every key.") }).optional().describe("Which source keys."),
    rewrite: z.array(Rewrite).optional().describe("Key rewrites (regexp or transform) applied in order to make remote keys; not with remoteKey."),
    metadata: PushMetadata.optional(),
    conversionStrategy: PushConversionStrategy.optional().describe("None (default) or ReverseUnicode."),
  })
  .describe("Bulk push: source keys matched by a pattern, each to its own remote key (or all to one).")
  .meta({
    "x-kubernetes-validations": [
      { rule: "has(self.storeRef) && (has(self.storeRef.name) || has(self.storeRef.labelSelector))", message: "storeRef must specify either name or labelSelector" },
      {
        rule: "!has(self.remoteKey) || !has(self.rewrite) || size(self.rewrite) == 0",
        message: "remoteKey and rewrite are mutually exclusive: rewrite is only supported in per-key mode (without remoteKey)",
      },
    ],
  });
export type PushSecretDataTo = z.infer<typeof PushSecretDataTo>;

export const PushSecretSelector = z
  .object({
    secret: z
      .object({
        name: z.string().min(1).max(253).optional().describe("Name of the Secret, in the PushSecret's namespace."),
        selector: LabelSelector.optional().describe("Every Secret of the PushSecret's namespace whose labels match."),
      })
      .optional()
      .describe("The source Secret(s)."),
    generatorRef: GeneratorRef.optional().describe("A generator whose output is pushed instead of a Secret."),
  })
  .describe("What is pushed: a Secret of this namespace, Secrets by labels, or a generator's output.");

export const PushSecretSpec = z
  .object({
    refreshInterval: Duration.optional().describe("How often the provider is checked and, when it differs, written (default 1h); 0 pushes on changes only."),
    secretStoreRefs: z.array(PushSecretStoreRef).max(64).describe("The stores to push to."),
    updatePolicy: PushUpdatePolicy.optional().describe("Replace (default) or IfNotExists (an existing provider secret is never touched)."),
    deletionPolicy: PushDeletionPolicy.optional().describe("None (default) or Delete: what was pushed is removed from the provider when the PushSecret, an entry or the source goes."),
    selector: PushSecretSelector,
    data: z.array(PushSecretData).max(1000).optional().describe("Values to push, one source key each."),
    dataTo: z.array(PushSecretDataTo).max(100).optional().describe("Bulk pushes by key pattern."),
    template: Template.optional().describe("Renders the source Secret before it is pushed (same engine as ExternalSecret templates)."),
  })
  .describe("What to push, where, and how.");
export type PushSecretSpec = z.infer<typeof PushSecretSpec>;

/** store ("Kind/name") -> status key (remoteKey or remoteKey/property) -> the entry pushed there. */
export const SyncedPushSecrets = z
  .record(z.string(), z.record(z.string(), PushSecretData))
  .describe("What was pushed where: store (Kind/name) to remote key to the entry.");
export type SyncedPushSecrets = z.infer<typeof SyncedPushSecrets>;

export const PushSecretStatus = z
  .object({
    refreshTime: z.string().nullable().optional().describe("When the provider was last written (RFC 3339)."),
    syncedResourceVersion: z.string().optional().describe("<generation>-<hash of labels and annotations> of the last push."),
    syncedPushSecrets: SyncedPushSecrets.optional(),
    conditions: z.array(Condition).optional().describe("Ready with reason Synced, Errored or SourceDeleted."),
  })
  .describe("Observed state.");
export type PushSecretStatus = z.infer<typeof PushSecretStatus>;

export const PushSecret = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.any(),
  spec: PushSecretSpec,
  status: PushSecretStatus.optional(),
});
export type PushSecret = Omit<z.infer<typeof PushSecret>, "metadata"> & { metadata: ObjectMeta & { finalizers?: string[] } };
