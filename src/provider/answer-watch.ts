// Reports, per store, whether the provider itself answered each call or was unavailable: the signal
// StoreRecovery wakes ExternalSecrets on after an outage. Sits right above the adapter, below the budget and the
// cache, so only calls that reached (or tried to reach) the provider count.
import { ProviderError, ProviderUnavailableError } from "./errors.ts";
import type { SecretsClient } from "./types.ts";

export function answerWatched(client: SecretsClient, report: (available: boolean) => void): SecretsClient {
  const watched =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await fn(...args);
        report(true);
        return result;
      } catch (err) {
        // A refusal or "not found" is an answer; "unavailable" is not; anything else says nothing.
        if (err instanceof ProviderUnavailableError) report(false);
        else if (err instanceof ProviderError) report(true);
        throw err;
      }
    };
  return {
    getSecret: watched((ref) => client.getSecret(ref)),
    getSecretMap: watched((ref) => client.getSecretMap(ref)),
    findSecrets: watched((request) => client.findSecrets(request)),
    validate: watched(() => client.validate()),
    close: () => client.close(),
  };
}
