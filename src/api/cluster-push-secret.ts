// ClusterPushSecret (external-secrets.io/v1alpha1, cluster-scoped): one PushSecret spec stamped into every namespace
// its selectors match, as ESO's. Each PushSecret still pushes only Secrets of its own namespace.
import { z } from "zod";
import { ConditionStatus, Duration, LabelSelector } from "./common.ts";
import type { ObjectMeta } from "./common.ts";
import { PushSecretSpec } from "./push-secret.ts";

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const ClusterPushSecretSpec = z
  .object({
    pushSecretSpec: PushSecretSpec.describe("The spec of the PushSecret made in each namespace."),
    refreshTime: Duration.optional().describe("How often namespaces are re-evaluated (default 1h); label changes take effect at once regardless."),
    pushSecretName: z.string().min(1).max(253).regex(SUBDOMAIN, "must be a DNS-1123 subdomain").optional().describe("Name of the PushSecrets made; defaults to the ClusterPushSecret's name."),
    pushSecretMetadata: z
      .object({
        annotations: z.record(z.string(), z.string()).optional().describe("Annotations of every PushSecret made."),
        labels: z.record(z.string(), z.string()).optional().describe("Labels of every PushSecret made."),
      })
      .optional()
      .describe("Metadata of the PushSecrets made."),
    namespaceSelectors: z.array(LabelSelector).max(64).optional().describe("Namespaces whose labels match any of these selectors (ORed)."),
  })
  .describe("Which namespaces get a PushSecret, and which one.");
export type ClusterPushSecretSpec = z.infer<typeof ClusterPushSecretSpec>;

export const ClusterPushSecretStatus = z
  .object({
    failedNamespaces: z
      .array(z.object({ namespace: z.string().describe("The namespace."), reason: z.string().optional().describe("Why no PushSecret could be applied there.") }))
      .optional()
      .describe("Namespaces where the PushSecret could not be applied."),
    provisionedNamespaces: z.array(z.string()).optional().describe("Namespaces that have the PushSecret."),
    pushSecretName: z.string().optional().describe("Name of the PushSecrets made."),
    conditions: z
      .array(
        z.object({
          type: z.string().describe("Ready."),
          status: ConditionStatus.describe("True, False or Unknown."),
          reason: z.string().optional().describe("Machine-readable reason."),
          message: z.string().optional().describe("Human-readable detail."),
          lastTransitionTime: z.string().optional().describe("When the status last changed (RFC 3339)."),
        }),
      )
      .optional()
      .describe("Ready."),
  })
  .describe("Observed state.");
export type ClusterPushSecretStatus = z.infer<typeof ClusterPushSecretStatus>;

export const ClusterPushSecret = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.any(),
  spec: ClusterPushSecretSpec,
  status: ClusterPushSecretStatus.optional(),
});
export type ClusterPushSecret = Omit<z.infer<typeof ClusterPushSecret>, "metadata"> & { metadata: ObjectMeta & { finalizers?: string[] } };
