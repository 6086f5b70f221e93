// Per-store request budgets: a token bucket in front of a session, so a burst of due ExternalSecrets never
// exceeds the provider's quota. Only requests that reach the provider spend tokens (cache hits and joined
// single-flight reads sit above this layer).
import type { TokenBucket } from "../controller/token-bucket.ts";
import type { SecretsClient } from "./types.ts";

export function rateLimited(client: SecretsClient, bucket: TokenBucket): SecretsClient {
  const gated =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await bucket.take();
      return fn(...args);
    };
  return {
    getSecret: gated((ref) => client.getSecret(ref)),
    getSecretMap: gated((ref) => client.getSecretMap(ref)),
    findSecrets: gated((request) => client.findSecrets(request)),
    validate: gated(() => client.validate()),
    close: () => client.close(),
    // Sends nothing: the read that follows spends the budget.
    ...(client.refreshSource ? { refreshSource: () => client.refreshSource!() } : {}),
  };
}
