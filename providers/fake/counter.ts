// Counts calls to fake stores, the way a real provider's audit log would, for tests and `npm run bench`.
import { recordProviderCall } from "../../src/provider/call-metrics.ts";
import { CallTally } from "../../src/provider/call-tally.ts";

const calls = new CallTally<[string, string, string]>();

export function countFakeCall(store: string, operation: string, key: string): void {
  recordProviderCall("fake", operation, "success");
  calls.record(store, operation, key);
}

/** Calls so far, optionally only those of one store (its label, e.g. "SecretStore/ns/name"). */
export function fakeCallCount(filter: { store?: string; operation?: string; key?: string } = {}): number {
  return calls.count([filter.store, filter.operation, filter.key]);
}

export function resetFakeCalls(): void {
  calls.clear();
}
