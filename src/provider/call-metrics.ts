// Provider API calls as adapters report them (provider, call, status), for ESO's
// externalsecret_provider_api_calls_count and for tests that count calls. Adapters call `recordProviderCall`
// once per request they send; src/metrics.ts subscribes. No labels ever carry keys or values.

export type ProviderCallStatus = "success" | "error" | "not_found" | "denied" | "throttled";

type Listener = (provider: string, call: string, status: ProviderCallStatus) => void;

const listeners = new Set<Listener>();
const totals = new Map<string, number>();

export function recordProviderCall(provider: string, call: string, status: ProviderCallStatus): void {
  const id = `${provider}|${call}|${status}`;
  totals.set(id, (totals.get(id) ?? 0) + 1);
  for (const listener of listeners) listener(provider, call, status);
}

/** Subscribes; returns the unsubscribe function. */
export function onProviderCall(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Calls recorded in this process, optionally filtered. */
export function providerCallCount(filter: { provider?: string; call?: string; status?: ProviderCallStatus } = {}): number {
  let sum = 0;
  for (const [id, count] of totals) {
    const [provider, call, status] = id.split("|");
    if (filter.provider !== undefined && filter.provider !== provider) continue;
    if (filter.call !== undefined && filter.call !== call) continue;
    if (filter.status !== undefined && filter.status !== status) continue;
    sum += count;
  }
  return sum;
}
