// ClusterExternalSecret (external-secrets.io/v1, cluster-scoped, short name ces): one ExternalSecret spec stamped
// into every namespace its selectors match. Field names and meaning follow External Secrets Operator.
import { z } from "zod";
import { ConditionStatus, Duration, LabelSelector } from "./common.ts";
import type { ObjectMeta } from "./common.ts";
import { ExternalSecretSpec } from "./external-secret.ts";

/** DNS-1123 subdomain (an object name) and label (a namespace name), as ESO's CRD spells them. */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const ExternalSecretMetadata = z
  .object({
    annotations: z.record(z.string(), z.string()).optional().describe("Annotations of every ExternalSecret made (replaces theirs)."),
    labels: z.record(z.string(), z.string()).optional().describe("Labels of every ExternalSecret made (replaces theirs)."),
  })
  .describe("Metadata of the ExternalSecrets made.");

export const ClusterExternalSecretSpec = z
  .object({
    externalSecretSpec: ExternalSecretSpec.describe("The spec of the ExternalSecret made in each namespace."),
    externalSecretName: z
      .string()
      .min(1)
      .max(253)
      .regex(SUBDOMAIN, "must be a DNS-1123 subdomain")
      .optional()
      .describe("Name of the ExternalSecrets made; defaults to the ClusterExternalSecret's name."),
    externalSecretMetadata: ExternalSecretMetadata.optional(),
    namespaceSelector: LabelSelector.optional().describe("Deprecated: use namespaceSelectors. Namespaces whose labels match."),
    namespaceSelectors: z.array(LabelSelector).max(64).optional().describe("Namespaces whose labels match any of these selectors (ORed)."),
    namespaces: z
      .array(z.string().min(1).max(63).regex(DNS_LABEL, "must be a namespace name"))
      .max(10000)
      .optional()
      .describe("Deprecated: use namespaceSelectors. Namespaces by name, ORed with the selectors."),
    refreshTime: Duration.optional().describe("How often namespaces are re-evaluated (default 1h); label changes take effect at once regardless."),
  })
  .describe("Which namespaces get an ExternalSecret, and which one.");
export type ClusterExternalSecretSpec = z.infer<typeof ClusterExternalSecretSpec>;

export const ClusterExternalSecretCondition = z
  .object({
    type: z.string().describe("Ready."),
    status: ConditionStatus.describe("True, False or Unknown."),
    reason: z.string().optional().describe("secrets-bridge: Provisioned, NamespacesFailed or ExternalSecretsNotReady."),
    message: z.string().optional().describe("Human-readable detail."),
  })
  .describe("A status condition (ESO's shape: type, status, message; reason is ours).");
export type ClusterExternalSecretCondition = z.infer<typeof ClusterExternalSecretCondition>;

export const ClusterExternalSecretStatus = z
  .object({
    externalSecretName: z.string().optional().describe("Name of the ExternalSecrets made."),
    failedNamespaces: z
      .array(z.object({ namespace: z.string().describe("The namespace."), reason: z.string().optional().describe("Why no ExternalSecret could be applied there.") }))
      .optional()
      .describe("Namespaces where the ExternalSecret could not be applied."),
    provisionedNamespaces: z.array(z.string()).optional().describe("Namespaces that have the ExternalSecret."),
    conditions: z.array(ClusterExternalSecretCondition).optional().describe("Ready."),
  })
  .describe("Observed state.");
export type ClusterExternalSecretStatus = z.infer<typeof ClusterExternalSecretStatus>;

export const ClusterExternalSecret = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.any(),
  spec: ClusterExternalSecretSpec,
  status: ClusterExternalSecretStatus.optional(),
});
export type ClusterExternalSecret = Omit<z.infer<typeof ClusterExternalSecret>, "metadata"> & { metadata: ObjectMeta & { finalizers?: string[] } };
