// The AWS provider (ESO's `aws`): Secrets Manager or Parameter Store, with static keys, web identity through a
// chosen ServiceAccount, the default chain, and chained AssumeRole; one credential set and one SDK client per
// session, reused by every reconcile.
import type { Provider } from "../../src/provider/types.ts";
import { AwsProviderSpec } from "./schema.ts";
import { authMethod, sessionCredentials } from "./credentials.ts";
import { endpointFor } from "./endpoints.ts";
import { secretsManagerClient } from "./sm-client.ts";
import { parameterStoreClient } from "./ps-client.ts";

export const awsProvider = {
  name: "aws",
  schema: AwsProviderSpec,
  capabilities: "ReadOnly",
  // Refs without a namespace in a ClusterSecretStore resolve in the ExternalSecret's namespace (ESO's referent auth).
  referentAuth(spec) {
    const method = authMethod(spec);
    if (method === "secretRef") {
      const ref = spec.auth!.secretRef!;
      return [ref.accessKeyIDSecretRef, ref.secretAccessKeySecretRef, ref.sessionTokenSecretRef].some((r) => r !== undefined && !r.namespace);
    }
    if (method === "jwt") return !spec.auth!.jwt!.serviceAccountRef!.namespace;
    return false;
  },
  async connect(ctx) {
    const env = process.env;
    const credentials = sessionCredentials(ctx, endpointFor("sts", ctx.spec, env));
    ctx.log.debug({ service: ctx.spec.service, region: ctx.spec.region, auth: authMethod(ctx.spec) }, "aws session");
    if (ctx.spec.service === "ParameterStore") return parameterStoreClient({ spec: ctx.spec, credentials, endpoint: endpointFor("ssm", ctx.spec, env) });
    return secretsManagerClient({ spec: ctx.spec, credentials, endpoint: endpointFor("secretsManager", ctx.spec, env), log: ctx.log });
  },
} satisfies Provider<AwsProviderSpec>;
