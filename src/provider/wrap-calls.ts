// One place that wraps the calls of a session that reach the provider (reads and validate), for the layers that
// sit around every call (the request budget, the answer watch). Members that are not calls pass through as they
// are, optional ones included, so a layer cannot drop a capability by forgetting it.
import type { SecretsClient } from "./types.ts";

export function wrapCalls(client: SecretsClient, around: <R>(call: () => Promise<R>) => Promise<R>): SecretsClient {
  return {
    getSecret: (ref) => around(() => client.getSecret(ref)),
    getSecretMap: (ref) => around(() => client.getSecretMap(ref)),
    findSecrets: (request) => around(() => client.findSecrets(request)),
    validate: () => around(() => client.validate()),
    close: () => client.close(),
    // Sends nothing by itself: the read that follows is a call.
    ...(client.refreshSource ? { refreshSource: () => client.refreshSource!() } : {}),
  };
}
