// One place that wraps the calls of a session that reach the provider (reads, writes and validate), for the layers that
// sit around every call (the request budget, the answer watch). Members that are not calls pass through as they
// are, optional ones included, so a layer cannot drop a capability by forgetting it.
import type { PushClient, SecretsClient } from "./types.ts";

function wrapPush(push: PushClient, around: <R>(call: () => Promise<R>) => Promise<R>): PushClient {
  return {
    pushSecret: (request) => around(() => push.pushSecret(request)),
    deleteSecret: (ref) => around(() => push.deleteSecret(ref)),
    secretExists: (ref) => around(() => push.secretExists(ref)),
  };
}

export function wrapCalls(client: SecretsClient, around: <R>(call: () => Promise<R>) => Promise<R>): SecretsClient {
  return {
    getSecret: (ref) => around(() => client.getSecret(ref)),
    getSecretMap: (ref) => around(() => client.getSecretMap(ref)),
    findSecrets: (request) => around(() => client.findSecrets(request)),
    validate: () => around(() => client.validate()),
    close: () => client.close(),
    // Sends nothing by itself: the read that follows is a call.
    ...(client.refreshSource ? { refreshSource: () => client.refreshSource!() } : {}),
    ...(client.push ? { push: wrapPush(client.push, around) } : {}),
  };
}
