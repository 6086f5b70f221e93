// `refreshInterval: 1ms` against a shared store: under --min-refresh-interval it costs one provider call, not a
// busy loop (Ready keeps its reason and notes the raise, logged once); with the floor off, the store session's
// request budget is what holds the calls to its rate. Calls are counted at the fake provider's counter.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";

const store = { refreshInterval: "1s", provider: { fake: { data: [{ key: "k", value: "v1" }] } } };
const es = { refreshInterval: "1ms", secretStoreRef: { name: "shared" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] };

describe("refreshInterval 1ms: the floor and the default request budget", () => {
  const k = kube();
  let floored: { ns: string; op: TestOperator };
  let budgeted: { ns: string; op: TestOperator };
  const calls = (ns: string) => fakeCallCount({ store: `SecretStore/${ns}/shared`, operation: "GetSecret" });

  before(async () => {
    const floorNs = await freshNamespace("floor");
    floored = { ns: floorNs, op: await startTestOperator(floorNs, { minRefreshIntervalMs: 10_000 }) };
    const budgetNs = await freshNamespace("budget");
    budgeted = { ns: budgetNs, op: await startTestOperator(budgetNs, { minRefreshIntervalMs: 0, defaultRateLimit: { requestsPerSecond: 2, burst: 2 } }) };
  });
  after(async () => {
    await floored?.op.stop();
    await budgeted?.op.stop();
  });

  it("under a 10s floor: a handful of provider calls in a few seconds, Ready=True SecretSynced with a note, logged once", async () => {
    const { ns, op } = floored;
    await k.create("SecretStore", ns, "shared", store);
    await k.create("ExternalSecret", ns, "fast", es);
    assert.equal(decoded(await waitFor("secret fast", () => k.secret(ns, "fast"))).k, "v1");
    await sleep(3000);
    // One sync, and at most one more if a 10 s grid point fell inside the window.
    assert.ok(calls(ns) <= 2, `${calls(ns)} provider calls`);
    const condition = ready(await k.es(ns, "fast"));
    assert.equal(condition?.status, "True");
    assert.equal(condition?.reason, "SecretSynced");
    assert.equal(condition?.message, "secret synced; refreshInterval 1ms is below the operator's minimum (--min-refresh-interval), using 10s");
    const storeReady = await waitFor("store note", async () => {
      const current = ready((await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: "shared" })) as { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } });
      return current?.status === "True" ? current : undefined;
    });
    assert.equal(storeReady.reason, "Valid");
    assert.match(storeReady.message ?? "", /^store validated; refreshInterval 1s is below the operator's minimum/);
    const raisedLines = op.logs().split("\n").filter((line) => line.includes("refreshInterval below --min-refresh-interval") && line.includes(`"${ns}/fast"`));
    assert.equal(raisedLines.length, 1, "logged once for the ExternalSecret's generation");
  });

  it("a spec change (a new generation) is logged again and still floored", async () => {
    const { ns, op } = floored;
    await k.patch("ExternalSecret", ns, "fast", { spec: { refreshInterval: "2ms" } });
    await waitFor("note for 2ms", async () => ((ready(await k.es(ns, "fast"))?.message ?? "").includes("refreshInterval 2ms is below") ? true : undefined));
    const raisedLines = op.logs().split("\n").filter((line) => line.includes("refreshInterval below --min-refresh-interval") && line.includes(`"${ns}/fast"`));
    assert.equal(raisedLines.length, 2);
  });

  it("without a floor, the store session's budget (2/s, burst 2) holds a 1ms refresh to its rate", async () => {
    const { ns } = budgeted;
    await k.create("SecretStore", ns, "shared", store);
    await k.create("ExternalSecret", ns, "fast", es);
    await waitFor("secret fast", () => k.secret(ns, "fast"));
    const start = calls(ns);
    const startedAt = Date.now();
    await sleep(3000);
    const made = calls(ns) - start;
    const seconds = (Date.now() - startedAt) / 1000;
    // Without the floor the ExternalSecret refreshes all the time, so it does call again; the bucket admits at
    // most burst + rate * elapsed (plus one token in flight at each end).
    assert.ok(made >= 2, `${made} calls: the floor is off, so it keeps refreshing`);
    assert.ok(made <= 2 + Math.ceil(2 * seconds) + 2, `${made} calls in ${seconds.toFixed(1)} s`);
    assert.equal(ready(await k.es(ns, "fast"))?.message, "secret synced", "no note without a floor");
  });
});
