// The Google Cloud Secret Manager provider (ESO's `gcpsm`): read-only, one SDK client per store and credentials.
import type { Provider } from "../../src/provider/types.ts";
import { ConfigError } from "../../src/provider/errors.ts";
import { GcpsmProviderSpec } from "./schema.ts";
import { resolveEndpoint } from "./endpoint.ts";
import { authClientFor } from "./auth.ts";
import { sdkApi } from "./api.ts";
import { gcpsmClient } from "./client.ts";

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
  async connect({ spec, kube, log }) {
    const endpoint = resolveEndpoint(spec);
    const { client: auth, projectId } = await authClientFor({ spec, kube, log, endpoint });
    const project = spec.projectID || projectId;
    if (!project) throw new ConfigError("gcpsm needs projectID (or a service-account key naming its project); we never ask the metadata server");
    log.debug({ endpoint: `${endpoint.host}:${endpoint.port}`, transport: endpoint.transport }, "gcpsm: session opened");
    return gcpsmClient({
      api: sdkApi(endpoint, auth),
      auth,
      scope: { project, location: spec.location },
      fallbackToEnabled: spec.secretVersionSelectionPolicy === "LatestOrFetch",
      log,
    });
  },
} satisfies Provider<GcpsmProviderSpec>;
