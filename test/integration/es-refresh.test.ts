// Refresh policies, and the write discipline: a steady refresh cycle that finds nothing new writes nothing.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { apiserverRequestCount, freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";

const WRITE_VERBS = ["POST", "PUT", "PATCH", "APPLY", "DELETE"];

async function writesToUs(): Promise<number> {
  const counts = await Promise.all([
    apiserverRequestCount({ verbs: WRITE_VERBS, resource: "secrets" }),
    apiserverRequestCount({ verbs: WRITE_VERBS, resource: "externalsecrets" }),
    apiserverRequestCount({ verbs: WRITE_VERBS, resource: "secretstores" }),
    apiserverRequestCount({ verbs: WRITE_VERBS, resource: "events" }),
  ]);
  return counts.reduce((a, b) => a + b, 0);
}

describe("refresh policies and zero writes at rest", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const storeLabel = () => `SecretStore/${ns}/fake`;
  const storeData = (v: string) => ({ provider: { fake: { data: [{ key: "k", value: v }, { key: "other", value: "o" }] } } });

  before(async () => {
    ns = await freshNamespace("es-refresh");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", storeData("v1"));
  });
  after(async () => {
    await op?.stop();
  });

  it("a steady refresh cycle with no changes makes zero apiserver writes and reads no Secret, while it keeps fetching", async () => {
    for (const name of ["steady-1", "steady-2", "steady-3"]) {
      await k.create("ExternalSecret", ns, name, { refreshInterval: "1s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    }
    for (const name of ["steady-1", "steady-2", "steady-3"]) {
      await waitFor(`${name} Ready`, async () => (ready(await k.es(ns, name))?.status === "True" ? true : undefined));
    }
    await sleep(1500); // let the first-sync writes and their echo events settle
    const callsBefore = fakeCallCount({ store: storeLabel() });
    const writesBefore = await writesToUs();
    const secretReadsBefore = await apiserverRequestCount({ verbs: ["GET"], resource: "secrets" });
    await sleep(4000); // about four refresh cycles of three ExternalSecrets
    const writesAfter = await writesToUs();
    // The watch's copy of a current Secret answers "is it current?": no live GET per refresh.
    assert.equal((await apiserverRequestCount({ verbs: ["GET"], resource: "secrets" })) - secretReadsBefore, 0, "refreshes at rest read Secrets from the apiserver");
    const calls = fakeCallCount({ store: storeLabel() }) - callsBefore;
    // The three read the same key, so they share one fetch per 1s cycle: about four in the window.
    assert.ok(calls >= 3, `expected periodic fetches during the idle window, saw ${calls}`);
    assert.equal(writesAfter - writesBefore, 0, "refreshes that found nothing new wrote to the apiserver");
  });

  it("Periodic picks up a changed value at the next refresh", async () => {
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v2") });
    await waitFor("steady-1 has v2", async () => (decoded(await k.secret(ns, "steady-1")).k === "v2" ? true : undefined));
  });

  it("OnChange ignores provider changes until the ExternalSecret itself changes", async () => {
    await k.create("ExternalSecret", ns, "onchange", { refreshInterval: "1s", refreshPolicy: "OnChange", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("onchange v2", async () => (decoded(await k.secret(ns, "onchange")).k === "v2" ? true : undefined));
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v3") });
    await waitFor("a Periodic ExternalSecret saw v3", async () => (decoded(await k.secret(ns, "steady-2")).k === "v3" ? true : undefined));
    await sleep(2500);
    assert.equal(decoded(await k.secret(ns, "onchange")).k, "v2", "OnChange refreshed without a change");
    await k.patch("ExternalSecret", ns, "onchange", { metadata: { annotations: { "force-sync": "1" } } });
    await waitFor("onchange v3 after its own change", async () => (decoded(await k.secret(ns, "onchange")).k === "v3" ? true : undefined));
  });

  it("CreatedOnce syncs once and then leaves the Secret alone", async () => {
    await k.create("ExternalSecret", ns, "once", { refreshInterval: "1s", refreshPolicy: "CreatedOnce", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("once v3", async () => (decoded(await k.secret(ns, "once")).k === "v3" ? true : undefined));
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v4") });
    await waitFor("a Periodic ExternalSecret saw v4", async () => (decoded(await k.secret(ns, "steady-3")).k === "v4" ? true : undefined));
    await sleep(2500);
    assert.equal(decoded(await k.secret(ns, "once")).k, "v3", "CreatedOnce refreshed");
  });

  it("refreshInterval 0 syncs once with Periodic", async () => {
    await k.create("ExternalSecret", ns, "zero", { refreshInterval: "0", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("zero v4", async () => (decoded(await k.secret(ns, "zero")).k === "v4" ? true : undefined));
    const calls = fakeCallCount({ store: storeLabel(), key: "k" });
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v5") });
    await waitFor("a Periodic ExternalSecret saw v5", async () => (decoded(await k.secret(ns, "steady-1")).k === "v5" ? true : undefined));
    await sleep(2000);
    assert.equal(decoded(await k.secret(ns, "zero")).k, "v4");
    assert.ok(fakeCallCount({ store: storeLabel(), key: "k" }) > calls);
  });

  it("a store spec change re-syncs its Periodic ExternalSecrets at once, not at their next refresh", async () => {
    await k.create("ExternalSecret", ns, "hourly", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "k", remoteRef: { key: "k" } }] });
    await waitFor("hourly v5", async () => (decoded(await k.secret(ns, "hourly")).k === "v5" ? true : undefined));
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v6") });
    await waitFor("hourly v6 long before its hour", async () => (decoded(await k.secret(ns, "hourly")).k === "v6" ? true : undefined), 15_000);
    assert.equal(decoded(await k.secret(ns, "once")).k, "v3", "CreatedOnce followed a store change");
  });

  it("after an operator restart, current ExternalSecrets make no provider call and no write until due", async () => {
    await k.create("ExternalSecret", ns, "slow", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, data: [{ secretKey: "other", remoteRef: { key: "other" } }] });
    await waitFor("slow Ready", async () => (ready(await k.es(ns, "slow"))?.status === "True" ? true : undefined));
    await op.stop();
    const callsBefore = fakeCallCount({ store: storeLabel(), key: "other" });
    const writesBefore = await writesToUs();
    op = await startTestOperator(ns);
    await sleep(1500);
    assert.equal(fakeCallCount({ store: storeLabel(), key: "other" }) - callsBefore, 0, "a current ExternalSecret fetched after restart");
    // The 1s ExternalSecrets may refresh (they are due), but they find nothing new: still no writes.
    assert.equal((await writesToUs()) - writesBefore, 0, "a restart caused writes");
  });
});
