// Schema pieces shared by every kind of the external-secrets.io/v1 API (ESO's field names and meaning).
import { z } from "zod";

export const GROUP = "external-secrets.io";
export const VERSION = "v1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** A Go duration as ESO's CRDs take it ("1h", "15m30s", "0"). Parsed by `parseDuration`. */
export const Duration = z
  .string()
  .regex(/^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/, "must be a Go duration such as 1h, 30m or 0")
  .describe("A duration in Go syntax, e.g. 1h, 30m, 15s; 0 disables the periodic refresh.");

/** A key of a Kubernetes Secret's data map. */
export const SecretDataKey = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, "must consist of alphanumerics, '-', '_' or '.'");

export const StoreKind = z.enum(["SecretStore", "ClusterSecretStore"]);

export const StoreRef = z
  .object({
    name: z.string().min(1).max(253).describe("Name of the SecretStore or ClusterSecretStore."),
    kind: StoreKind.optional().describe("Kind of the store: SecretStore (default) or ClusterSecretStore."),
  })
  .describe("Reference to the store that holds the secret.");
export type StoreRef = z.infer<typeof StoreRef>;

export const SecretKeySelector = z
  .object({
    name: z.string().min(1).max(253).describe("Name of the Secret."),
    key: z.string().max(253).optional().describe("Key inside the Secret's data."),
    namespace: z
      .string()
      .max(63)
      .optional()
      .describe(
        "Namespace of the Secret. Ignored by namespaced SecretStores (their own namespace is used); a ClusterSecretStore ref without it resolves in the ExternalSecret's namespace.",
      ),
  })
  .describe("Reference to a key of a Secret.");
export type SecretKeySelector = z.infer<typeof SecretKeySelector>;

export const ServiceAccountSelector = z
  .object({
    name: z.string().min(1).max(253).describe("Name of the ServiceAccount."),
    namespace: z.string().max(63).optional().describe("Namespace of the ServiceAccount (ClusterSecretStore only)."),
    audiences: z
      .array(z.string())
      .optional()
      .describe("Audiences of the token minted with TokenRequest; empty: the provider's own audience. The kube-apiserver's own audiences are refused."),
  })
  .describe("Reference to a ServiceAccount whose token the operator mints with TokenRequest.");
export type ServiceAccountSelector = z.infer<typeof ServiceAccountSelector>;

export const ConditionStatus = z.enum(["True", "False", "Unknown"]);

export const Condition = z
  .object({
    type: z.string().describe("Type of the condition, e.g. Ready."),
    status: ConditionStatus.describe("True, False or Unknown."),
    reason: z.string().optional().describe("Machine-readable reason for the last transition."),
    message: z.string().optional().describe("Human-readable detail; never contains a secret value."),
    lastTransitionTime: z.string().optional().describe("When the status last changed (RFC 3339)."),
  })
  .describe("A status condition.");
export type Condition = z.infer<typeof Condition>;

export const LabelSelector = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional().describe("Labels that must all match."),
    matchExpressions: z
      .array(
        z.object({
          key: z.string().describe("Label key."),
          operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]).describe("How values are compared."),
          values: z.array(z.string()).optional().describe("Values for In and NotIn."),
        }),
      )
      .optional()
      .describe("Set-based requirements, all of which must match."),
  })
  .describe("A Kubernetes label selector.");
export type LabelSelector = z.infer<typeof LabelSelector>;

/** Standard object metadata as far as our code reads it; the apiserver owns its schema. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
}
