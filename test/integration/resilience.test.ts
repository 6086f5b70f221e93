// The operator keeps working across an apiserver restart (watches break; informers must recover and relist),
// and leader election hands over between two replicas.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace, restartApiserverFromTest } from "../helpers/bench.ts";
import { decoded, kube, ready, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";

describe("apiserver restart", () => {
  let ns: string;
  let op: TestOperator;

  before(async () => {
    ns = await freshNamespace("resilience");
    op = await startTestOperator(ns);
  });
  after(async () => {
    await op?.stop();
  });

  it("recovers its watches and misses no update made right after the restart", async () => {
    const k = kube();
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "k", value: "before" }] } } });
    await k.create("ExternalSecret", ns, "es", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("first sync", async () => (decoded(await k.secret(ns, "es")).k === "before" ? true : undefined));

    await restartApiserverFromTest();
    const k2 = kube();
    // Made while the operator's watches are still reconnecting: only a relist or a recovered watch sees them.
    await k2.patch("SecretStore", ns, "fake", { spec: { provider: { fake: { data: [{ key: "k", value: "after" }, { key: "n", value: "new" }] } } } });
    await k2.create("ExternalSecret", ns, "created-after", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "n", remoteRef: { key: "n" } }] });
    await k2.patch("ExternalSecret", ns, "es", { metadata: { annotations: { "force-sync": "after-restart" } } });

    assert.deepEqual(decoded(await waitFor("new ExternalSecret synced", () => k2.secret(ns, "created-after"), 60_000)), { n: "new" });
    await waitFor("forced sync picked up the new value", async () => (decoded(await k2.secret(ns, "es")).k === "after" ? true : undefined), 60_000);
    assert.equal(ready(await k2.es(ns, "es"))?.status, "True");
    assert.ok(op.operator.ready(), "informers report synced after the restart");
  });
});

describe("leader election", () => {
  let ns: string;
  const replicas: TestOperator[] = [];
  const le = (namespace: string) => ({ leaderElection: { namespace, name: "test-leader", leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 } });

  before(async () => {
    ns = await freshNamespace("leader");
  });
  after(async () => {
    for (const replica of replicas) await replica.stop();
  });

  it("only the leader reconciles, and a standby takes over when the leader goes away", async () => {
    const k = kube();
    replicas.push(await startTestOperator(ns, le(ns)));
    const first = replicas[0]!;
    await waitFor("first replica leads", async () => (first.operator.isLeader() ? true : undefined));
    replicas.push(await startTestOperator(ns, le(ns)));
    const second = replicas[1]!;
    assert.equal(second.operator.isLeader(), false);

    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: [{ key: "k", value: "v" }] } } });
    await k.create("ExternalSecret", ns, "one", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("synced by the leader", () => k.secret(ns, "one"));
    assert.ok(!second.logs().includes('"msg":"secret written"'), "the standby wrote a Secret");

    await first.stop(); // releases the Lease
    await waitFor("standby leads", async () => (second.operator.isLeader() ? true : undefined), 15_000);
    await k.create("ExternalSecret", ns, "two", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    assert.deepEqual(decoded(await waitFor("synced by the new leader", () => k.secret(ns, "two"))), { k: "v" });
  });
});
