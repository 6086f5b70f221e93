// Provider API calls as adapters report them (provider, call, status), for ESO's
// externalsecret_provider_api_calls_count and for tests that count calls. Adapters call `recordProviderCall`
// once per request they send; src/metrics.ts subscribes. No labels ever carry keys or values.
import { CallTally } from "./call-tally.ts";

export type ProviderCallStatus = "success" | "error" | "not_found" | "denied" | "throttled";

type Listener = (provider: string, call: string, status: ProviderCallStatus) => void;

const listeners = new Set<Listener>();
const totals = new CallTally<[string, string, string]>();

export function recordProviderCall(provider: string, call: string, status: ProviderCallStatus): void {
  totals.record(provider, call, status);
  for (const listener of listeners) listener(provider, call, status);
}

/** Subscribes; returns the unsubscribe function. */
export function onProviderCall(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls recorded in this process, optionally filtered. */
export function providerCallCount(filter: { provider?: string; call?: string; status?: ProviderCallStatus } = {}): number {
  return totals.count([filter.provider, filter.call, filter.status]);
}

/** How a reconcile's read was served: sent to the provider, shared with an identical in-flight read, or cached. */
export type FetchResult = "sent" | "shared" | "cached";

const fetchListeners = new Set<(result: FetchResult) => void>();

export function recordFetch(result: FetchResult): void {
  for (const listener of fetchListeners) listener(result);
}

export function onFetch(listener: (result: FetchResult) => void): () => void {
  fetchListeners.add(listener);
  return () => fetchListeners.delete(listener);
}
