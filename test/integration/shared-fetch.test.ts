// One provider call per distinct key per refresh cycle, however many ExternalSecrets read it: refreshes of
// ExternalSecrets reading the same key fall on the same grid point and share the read.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";

describe("shared fetches", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const KEYS = ["alpha", "beta", "gamma"];
  const PER_KEY = 4;

  before(async () => {
    ns = await freshNamespace("shared-fetch");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: KEYS.map((key) => ({ key, value: `v-${key}` })) } } });
    for (const key of KEYS) {
      for (let i = 0; i < PER_KEY; i++) {
        await k.create("ExternalSecret", ns, `${key}-${i}`, { refreshInterval: "2s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key } }] });
      }
    }
    for (const key of KEYS) for (let i = 0; i < PER_KEY; i++) await waitFor(`${key}-${i} Ready`, async () => (ready(await k.es(ns, `${key}-${i}`))?.status === "True" ? true : undefined));
  });
  after(async () => {
    await op?.stop();
  });

  it("calls the provider once per distinct key per cycle, not once per ExternalSecret", async () => {
    const store = `SecretStore/${ns}/fake`;
    const before = KEYS.map((key) => fakeCallCount({ store, key }));
    const WINDOW_MS = 6000; // three 2s cycles
    await sleep(WINDOW_MS);
    const calls = KEYS.map((key, i) => fakeCallCount({ store, key }) - before[i]!);
    const cycles = WINDOW_MS / 2000;
    for (const [i, key] of KEYS.entries()) {
      assert.ok(calls[i]! >= cycles - 1, `${key} was not refreshed (${calls[i]} calls)`);
      // Without sharing this would be PER_KEY calls per cycle (12 in the window).
      assert.ok(calls[i]! <= cycles + 1, `${key}: ${calls[i]} calls in ${cycles} cycles for ${PER_KEY} ExternalSecrets`);
    }
  });
});
