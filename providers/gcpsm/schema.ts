// spec.provider.gcpsm: ESO's Google Cloud Secret Manager store (field names as in secretstore_gcpsm_types.go),
// plus one additive field of ours, `endpoint`, for emulators and private endpoints.
import { z } from "zod";
import { SecretKeySelector, ServiceAccountSelector } from "../../src/api/common.ts";

const ConfigMapReference = z
  .object({
    name: z.string().min(1).max(253).describe("Name of the ConfigMap."),
    namespace: z.string().max(63).optional().describe("Namespace of the ConfigMap (ClusterSecretStore only)."),
    key: z.string().optional().describe("Key of the ConfigMap holding the credential configuration JSON."),
  })
  .describe("Reference to a ConfigMap key.");

export const GcpWorkloadIdentity = z
  .object({
    serviceAccountRef: ServiceAccountSelector.describe("Kubernetes ServiceAccount whose token is exchanged for Google credentials (GKE Workload Identity)."),
    clusterLocation: z.string().optional().describe("Location (region or zone) of the GKE cluster; required here (we never ask the metadata server)."),
    clusterName: z.string().optional().describe("Name of the GKE cluster; required here (we never ask the metadata server)."),
    clusterProjectID: z.string().optional().describe("Project of the GKE cluster's workload identity pool; defaults to projectID."),
  })
  .describe("GKE Workload Identity: a ServiceAccount token exchanged through Google STS.");
export type GcpWorkloadIdentity = z.infer<typeof GcpWorkloadIdentity>;

export const GcpWorkloadIdentityFederation = z
  .object({
    credConfig: ConfigMapReference.optional().describe("ConfigMap with an external_account credential configuration (not supported yet: reports Ready=False)."),
    serviceAccountRef: ServiceAccountSelector.optional().describe("Kubernetes ServiceAccount whose token is the subject token of the exchange."),
    awsSecurityCredentials: z
      .object({
        awsCredentialsSecretRef: z
          .object({
            name: z.string().describe("Name of the Secret with AWS credentials."),
            namespace: z.string().optional().describe("Namespace of the Secret."),
          })
          .describe("Secret holding AWS credentials."),
        region: z.string().describe("AWS region."),
      })
      .optional()
      .describe("AWS credentials as the subject (not supported yet: reports Ready=False)."),
    audience: z.string().optional().describe("Audience of the STS exchange: the workload identity pool provider's full resource name."),
    externalTokenEndpoint: z.string().optional().describe("Endpoint of an external token source matched against credConfig (not supported yet)."),
    gcpServiceAccountEmail: z.string().optional().describe("Google service account to impersonate with the federated token (optional)."),
  })
  .describe("Workload Identity Federation: a Kubernetes ServiceAccount token exchanged through Google STS.");
export type GcpWorkloadIdentityFederation = z.infer<typeof GcpWorkloadIdentityFederation>;

export const GcpsmAuth = z
  .object({
    secretRef: z
      .object({
        secretAccessKeySecretRef: SecretKeySelector.describe("Secret key holding a service-account JSON key."),
      })
      .optional()
      .describe("Authenticate with a service-account JSON key stored in a Secret."),
    workloadIdentity: GcpWorkloadIdentity.optional(),
    workloadIdentityFederation: GcpWorkloadIdentityFederation.optional(),
  })
  .describe(
    "How to authenticate; empty means the operator's default credentials (ADC: ClusterSecretStores only, unless the operator runs with --allow-ambient-credentials-for-namespaced-stores), or none with an endpoint override.",
  );
export type GcpsmAuth = z.infer<typeof GcpsmAuth>;

export const GcpsmProviderSpec = z
  .object({
    projectID: z.string().optional().describe("Google Cloud project holding the secrets."),
    location: z.string().optional().describe("Location of regional secrets (uses the regional endpoint secretmanager.LOCATION.rep.googleapis.com)."),
    auth: GcpsmAuth.optional(),
    secretVersionSelectionPolicy: z
      .enum(["LatestOrFail", "LatestOrFetch"])
      .optional()
      .describe("When `latest` is disabled or destroyed: fail (LatestOrFail, the default) or use the newest enabled version (LatestOrFetch)."),
    endpoint: z
      .string()
      .optional()
      .describe(
        "secrets-bridge extension: Secret Manager endpoint override, `host:port` for gRPC or `http(s)://host:port` for REST; plaintext only to loopback addresses. Defaults to $GCP_SECRETMANAGER_ENDPOINT, else Google's endpoint.",
      ),
  })
  .describe("Google Cloud Secret Manager (ESO's gcpsm provider).");
export type GcpsmProviderSpec = z.infer<typeof GcpsmProviderSpec>;
