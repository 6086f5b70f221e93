// Reports, per store, whether the provider itself answered each call or was unavailable: the signal
// StoreRecovery wakes ExternalSecrets on after an outage. Sits right above the adapter, below the budget and the
// cache, so only calls that reached (or tried to reach) the provider count.
import { ProviderError, ProviderUnavailableError } from "./errors.ts";
import type { SecretsClient } from "./types.ts";
import { wrapCalls } from "./wrap-calls.ts";

export function answerWatched(client: SecretsClient, report: (available: boolean) => void): SecretsClient {
  return wrapCalls(client, async (call) => {
    try {
      const result = await call();
      report(true);
      return result;
    } catch (err) {
      // A refusal or "not found" is an answer; "unavailable" is not; anything else says nothing.
      if (err instanceof ProviderUnavailableError) report(false);
      else if (err instanceof ProviderError) report(true);
      throw err;
    }
  });
}
