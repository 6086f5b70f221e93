// The fake provider (ESO's `fake`): secrets written in the store manifest itself.
import type { Provider } from "../../src/provider/types.ts";
import { storeLabel } from "../../src/provider/store-identity.ts";
import { FakeProviderSpec } from "./schema.ts";
import { fakeClient } from "./client.ts";

export const fakeProvider = {
  name: "fake",
  schema: FakeProviderSpec,
  capabilities: "ReadWrite",
  // The values are in the store manifest itself.
  offline: () => true,
  // The values live in the manifest: no credentials at all.
  operatorIdentity: () => undefined,
  async connect({ spec, store }) {
    return fakeClient(spec, storeLabel(store));
  },
} satisfies Provider<FakeProviderSpec>;

export { fakeCallCount, resetFakeCalls } from "./counter.ts";
export { resetFakePushes } from "./push.ts";
