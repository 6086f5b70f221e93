// ESO 2.9's dataFrom[].rewrite[].merge and spec.syncWindows on the real apiserver with the fake provider:
// a merge writes Go's exact bytes into the Secret; a closed window holds periodic refreshes back (no provider
// call) while ExternalSecrets beside it keep refreshing, and what ESO lets through a window (a metadata
// change, a missing Secret) still syncs at once.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";

describe("dataFrom.rewrite.merge", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const password = planted("merge-pass");

  before(async () => {
    ns = await freshNamespace("rewrite-merge");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", {
      provider: {
        fake: {
          data: [
            { key: "creds-a", value: JSON.stringify({ user: "<admin>", port: 5432, pass: password }) },
            { key: "creds-b", value: '{"tls":true,"ratio":1.5e-7,"nested":{"b":"&","a":[1,2.50]}}' },
            { key: "clash", value: `{"port":6543,"pass":"${password}"}` },
          ],
        },
      },
    });
  });
  after(async () => {
    await op?.stop();
  });

  it("JSON: the merged object under `into`, as Go's encoder writes it (sorted keys, no HTML escaping, Go floats)", async () => {
    await k.create("ExternalSecret", ns, "merge-json", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, dataFrom: [{ find: { name: { regexp: "^creds-" } }, rewrite: [{ merge: { strategy: "JSON", into: "config.json" } }] }] });
    await waitForReady(k, ns, "merge-json", "True", "SecretSynced");
    const data = decoded(await k.secret(ns, "merge-json"));
    assert.deepEqual(Object.keys(data).sort(), ["config.json", "creds-a", "creds-b"]);
    assert.equal(data["config.json"], `{"nested":{"a":[1,2.5],"b":"&"},"pass":"${password}","port":5432,"ratio":1.5e-7,"tls":true,"user":"<admin>"}`);
  });

  it("Extract: one key per field, values as ESO's GetByteValue makes them", async () => {
    await k.create("ExternalSecret", ns, "merge-extract", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, dataFrom: [{ find: { name: { regexp: "^creds-" } }, rewrite: [{ merge: {} }] }] });
    await waitForReady(k, ns, "merge-extract", "True", "SecretSynced");
    assert.deepEqual(decoded(await k.secret(ns, "merge-extract")), { nested: '{"a":[1,2.5],"b":"\\u0026"}', pass: password, port: "5432", ratio: "0.00000015", tls: "true", user: "<admin>" });
  });

  it("conflicts fail the sync with the field names and no value; priority with conflictPolicy Ignore picks the winner", async () => {
    const dataFrom = (merge: object) => [{ find: { name: { regexp: "^(creds-a|clash)$" } }, rewrite: [{ merge }] }];
    await k.create("ExternalSecret", ns, "merge-clash", { refreshInterval: "1h", secretStoreRef: { name: "fake" }, dataFrom: dataFrom({}) });
    const failed = await waitForReady(k, ns, "merge-clash", "False", "SecretSyncedError");
    assert.match(ready(failed)?.message ?? "", /dataFrom\.rewrite\[0\]\.merge: merge failed with conflicts: pass, port/);
    assert.equal(await k.secret(ns, "merge-clash"), undefined);
    await k.patch("ExternalSecret", ns, "merge-clash", { spec: { dataFrom: dataFrom({ conflictPolicy: "Ignore", priority: ["creds-a"] }) } });
    await waitForReady(k, ns, "merge-clash", "True", "SecretSynced");
    assert.deepEqual(decoded(await k.secret(ns, "merge-clash")), { pass: password, port: "5432", user: "<admin>" });
  });

  it("no merged value reaches a status, an Event or a log", async () => {
    const texts = [op.logs(), await k.events(ns), JSON.stringify(await Promise.all(["merge-json", "merge-extract", "merge-clash"].map((name) => k.es(ns, name))))];
    for (const form of leakForms(password)) for (const text of texts) assert.ok(!text.includes(form), `leaked ${form}`);
  });
});

describe("spec.syncWindows", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const storeLabel = () => `SecretStore/${ns}/fake`;
  const storeData = (v: string) => ({ provider: { fake: { data: ["held", "never", "free", "allowed"].map((key) => ({ key, value: `${key}-${v}` })) } } });
  // Firing every minute and open two minutes: always open, so no wall-clock timing decides the outcome.
  const alwaysOpen = { schedule: "* * * * *", duration: "2m" };
  const es = (key: string, syncWindows?: object) => ({ refreshInterval: "1s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "v", remoteRef: { key } }], ...(syncWindows ? { syncWindows } : {}) });
  const calls = (key: string) => fakeCallCount({ store: storeLabel(), key });
  const value = async (name: string) => decoded(await k.secret(ns, name)).v;

  before(async () => {
    ns = await freshNamespace("sync-windows");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", storeData("v1"));
    await k.create("ExternalSecret", ns, "held", es("held", { kind: "deny", windows: [alwaysOpen] }));
    await k.create("ExternalSecret", ns, "never", es("never", { kind: "allow", windows: [{ schedule: "0 0 30 2 *", duration: "1h" }] }));
    await k.create("ExternalSecret", ns, "free", es("free"));
    await k.create("ExternalSecret", ns, "allowed", es("allowed", { kind: "allow", windows: [alwaysOpen] }));
  });
  after(async () => {
    await op?.stop();
  });

  it("a new ExternalSecret syncs whatever its windows say", async () => {
    for (const name of ["held", "never", "free", "allowed"]) {
      await waitForReady(k, ns, name, "True", "SecretSynced");
      assert.equal(await value(name), `${name}-v1`);
    }
  });

  it("closed windows make no provider call while the ExternalSecrets beside them keep refreshing", async () => {
    await sleep(1500); // let the first syncs' echoes (status, Secret watch) settle
    const before = Object.fromEntries(["held", "never", "free", "allowed"].map((key) => [key, calls(key)]));
    await sleep(4000); // about four refresh intervals
    assert.equal(calls("held") - before["held"]!, 0, "deny window open: no refresh");
    assert.equal(calls("never") - before["never"]!, 0, "allow window never open: no refresh");
    assert.ok(calls("free") - before["free"]! >= 2, `no windows: refreshes go on (${calls("free") - before["free"]!})`);
    assert.ok(calls("allowed") - before["allowed"]! >= 2, `allow window open: refreshes go on (${calls("allowed") - before["allowed"]!})`);
  });

  it("a provider change reaches the open ExternalSecrets and not the held ones, which stay Ready", async () => {
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v2") });
    await waitFor("free has v2", async () => ((await value("free")) === "free-v2" ? true : undefined));
    await waitFor("allowed has v2", async () => ((await value("allowed")) === "allowed-v2" ? true : undefined));
    await sleep(2500);
    assert.equal(await value("held"), "held-v1");
    assert.equal(await value("never"), "never-v1");
    for (const name of ["held", "never"]) assert.equal(ready(await k.es(ns, name))?.reason, "SecretSynced", "a held refresh changes no status (as ESO)");
  });

  it("a metadata change (force-sync) and a deleted Secret sync through a closed window; periodic refreshes stay held", async () => {
    await k.patch("ExternalSecret", ns, "held", { metadata: { annotations: { "force-sync": "1" } } });
    await waitFor("held has v2 after force-sync", async () => ((await value("held")) === "held-v2" ? true : undefined));
    await k.patch("SecretStore", ns, "fake", { spec: storeData("v3") });
    await waitFor("free has v3", async () => ((await value("free")) === "free-v3" ? true : undefined));
    await k.core.deleteNamespacedSecret({ name: "held", namespace: ns });
    await waitFor("held's Secret recreated", async () => ((await value("held")) === "held-v3" ? true : undefined));
    await sleep(1500); // the repair's echoes settle
    const settled = calls("held");
    await sleep(3000);
    assert.equal(calls("held") - settled, 0, "no periodic refresh after the window let those through");
    assert.equal(await value("never"), "never-v1");
  });
});
