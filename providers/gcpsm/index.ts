// The Google Cloud Secret Manager provider (ESO's `gcpsm`): reads and PushSecret, one SDK client per store and credentials.
import type { Provider } from "../../src/provider/types.ts";
import { GcpsmProviderSpec } from "./schema.ts";
import { resolveEndpoint } from "./endpoint.ts";

/** Auth refs without a namespace in a ClusterSecretStore resolve in the ExternalSecret's namespace. */
function referentAuth(spec: GcpsmProviderSpec): boolean {
  const auth = spec.auth;
  if (!auth) return false;
  if (auth.secretRef) return auth.secretRef.secretAccessKeySecretRef.namespace === undefined;
  if (auth.workloadIdentity) return auth.workloadIdentity.serviceAccountRef.namespace === undefined;
  if (auth.workloadIdentityFederation?.serviceAccountRef) return auth.workloadIdentityFederation.serviceAccountRef.namespace === undefined;
  return false;
}

/** Empty auth is Google's application default credentials, except with an endpoint override (no credentials). */
function operatorIdentity(spec: GcpsmProviderSpec): string | undefined {
  const auth = spec.auth ?? {};
  if (auth.secretRef || auth.workloadIdentity || auth.workloadIdentityFederation || resolveEndpoint(spec).overridden) return undefined;
  return "empty auth uses the operator's Google application default credentials: GOOGLE_APPLICATION_CREDENTIALS or the metadata server";
}

export const gcpsmProvider = {
  name: "gcpsm",
  schema: GcpsmProviderSpec,
  capabilities: "ReadWrite",
  referentAuth,
  operatorIdentity,
  connect: async (ctx) => (await import("./connect.ts")).connectGcpsm(ctx),
} satisfies Provider<GcpsmProviderSpec>;
