// Opens a Google Secret Manager session: endpoint, auth client, SDK transport. Loaded on first use so an
// operator that never talks to GCP does not load the SDK and gRPC.
import type { ConnectContext, SecretsClient } from "../../src/provider/types.ts";
import { ConfigError } from "../../src/provider/errors.ts";
import type { GcpsmProviderSpec } from "./schema.ts";
import { resolveEndpoint } from "./endpoint.ts";
import { authClientFor } from "./auth.ts";
import { sdkApi } from "./api.ts";
import { gcpsmClient } from "./client.ts";

export async function connectGcpsm({ spec, kube, log }: ConnectContext<GcpsmProviderSpec>): Promise<SecretsClient> {
  const endpoint = resolveEndpoint(spec);
  const { client: auth, projectId } = await authClientFor({ spec, kube, log, endpoint });
  const project = spec.projectID || projectId;
  if (!project) throw new ConfigError("gcpsm needs projectID (or a service-account key naming its project); we never ask the metadata server");
  log.debug({ endpoint: `${endpoint.host}:${endpoint.port}`, transport: endpoint.transport }, "gcpsm: session opened");
  const api = sdkApi(endpoint, auth);
  return gcpsmClient({
    api,
    writes: api,
    auth,
    scope: { project, location: spec.location },
    fallbackToEnabled: spec.secretVersionSelectionPolicy === "LatestOrFetch",
    log,
  });
}
