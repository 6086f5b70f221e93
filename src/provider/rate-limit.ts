// Per-store request budgets: a token bucket in front of a session, so a burst of due ExternalSecrets never
// exceeds the provider's quota. Only requests that reach the provider spend tokens (cache hits and joined
// single-flight reads sit above this layer).
import type { TokenBucket } from "../controller/token-bucket.ts";
import type { SecretsClient } from "./types.ts";
import { wrapCalls } from "./wrap-calls.ts";

export function rateLimited(client: SecretsClient, bucket: TokenBucket): SecretsClient {
  return wrapCalls(client, async (call) => {
    await bucket.take();
    return call();
  });
}
