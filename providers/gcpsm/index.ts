// The Google Cloud Secret Manager provider (ESO's `gcpsm`): read-only, one SDK client per store and credentials.
import type { Provider } from "../../src/provider/types.ts";
import { GcpsmProviderSpec } from "./schema.ts";

/** Auth refs without a namespace in a ClusterSecretStore resolve in the ExternalSecret's namespace. */
function referentAuth(spec: GcpsmProviderSpec): boolean {
  const auth = spec.auth;
  if (!auth) return false;
  if (auth.secretRef) return auth.secretRef.secretAccessKeySecretRef.namespace === undefined;
  if (auth.workloadIdentity) return auth.workloadIdentity.serviceAccountRef.namespace === undefined;
  if (auth.workloadIdentityFederation?.serviceAccountRef) return auth.workloadIdentityFederation.serviceAccountRef.namespace === undefined;
  return false;
}

export const gcpsmProvider = {
  name: "gcpsm",
  schema: GcpsmProviderSpec,
  capabilities: "ReadOnly",
  referentAuth,
  connect: async (ctx) => (await import("./connect.ts")).connectGcpsm(ctx),
} satisfies Provider<GcpsmProviderSpec>;
