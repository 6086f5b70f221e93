// The AWS provider (ESO's `aws`): Secrets Manager or Parameter Store, with static keys, web identity through a
// chosen ServiceAccount, the default chain, and chained AssumeRole; one credential set and one SDK client per
// session, reused by every reconcile, for reads and for PushSecret's writes.
import type { Provider } from "../../src/provider/types.ts";
import { AwsProviderSpec } from "./schema.ts";
import { authMethod, defaultChainIdentity } from "./auth-method.ts";
import { stsSessionToken } from "./generator-sts-session-token.ts";
import { ecrAuthorizationToken } from "./generator-ecr-authorization-token.ts";

export const awsProvider = {
  name: "aws",
  schema: AwsProviderSpec,
  // Reads, and PushSecret to Secrets Manager or Parameter Store (sm-push.ts, ps-push.ts), as ESO.
  capabilities: "ReadWrite",
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
  // Empty auth is the SDK's default chain: whatever identity the operator's pod has.
  operatorIdentity: defaultChainIdentity,
  // The SDKs load on first use (see connect.ts).
  connect: async (ctx) => (await import("./connect.ts")).connectAws(ctx),
  // ESO's STSSessionToken and ECRAuthorizationToken: the same credential chain and endpoint rules as the store
  // (see Provider.generators).
  generators: [stsSessionToken, ecrAuthorizationToken],
} satisfies Provider<AwsProviderSpec>;
