// Counts calls to fake stores, the way a real provider's audit log would, for tests and `npm run bench`.
import { recordProviderCall } from "../../src/provider/call-metrics.ts";

const calls = new Map<string, number>();

export function countFakeCall(store: string, operation: string, key: string): void {
  recordProviderCall("fake", operation, "success");
  const id = `${store}|${operation}|${key}`;
  calls.set(id, (calls.get(id) ?? 0) + 1);
}

/** Calls so far, optionally only those of one store (its label, e.g. "SecretStore/ns/name"). */
export function fakeCallCount(filter: { store?: string; operation?: string; key?: string } = {}): number {
  let total = 0;
  for (const [id, count] of calls) {
    const [store, operation, key] = id.split("|");
    if (filter.store !== undefined && filter.store !== store) continue;
    if (filter.operation !== undefined && filter.operation !== operation) continue;
    if (filter.key !== undefined && filter.key !== key) continue;
    total += count;
  }
  return total;
}

export function resetFakeCalls(): void {
  calls.clear();
}
