// PushSecret on the real apiserver with the fake store (its write half counts every provider call): pushes read
// back by an ExternalSecret, zero writes on either side at rest, source changes pushed at once, a foreign remote
// key refused, a missing source, IfNotExists, dataTo (regexp, rewrite, bundle), deletionPolicy Delete (an entry
// removed, the source deleted, the PushSecret deleted through ESO's finalizer), a ReadOnly store, another
// namespace's Secret out of reach, and no value in status, Events or logs. Real providers: push-<provider>.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { pushApi } from "../helpers/push.ts";
import { fakeCallCount } from "../../providers/fake/index.ts";
import { makeMetrics } from "../../src/metrics.ts";

describe("PushSecret (fake store)", () => {
  const k = kube();
  const ps = pushApi();
  let ns: string;
  let otherNs: string;
  let op: TestOperator;
  const metrics = makeMetrics();
  const store = "push-fake";
  const storeLabel = () => `SecretStore/${ns}/${store}`;
  const writes = (key?: string) => fakeCallCount({ store: storeLabel(), operation: "PushSecret", ...(key ? { key } : {}) });
  const deletes = (key?: string) => fakeCallCount({ store: storeLabel(), operation: "DeleteSecret", ...(key ? { key } : {}) });
  const values = { db: planted("db"), api: planted("api"), next: planted("next"), other: planted("other"), foreign: planted("foreign") };

  /** Reads a remote key back through an ExternalSecret of the same store. */
  async function readBack(remoteKey: string, property?: string): Promise<string> {
    const name = `rb-${remoteKey.replace(/[^a-z0-9-]/g, "-")}-${Math.random().toString(36).slice(2, 6)}`;
    await k.create("ExternalSecret", ns, name, { secretStoreRef: { name: store }, refreshInterval: "0", target: { name }, data: [{ secretKey: "v", remoteRef: { key: remoteKey, ...(property ? { property } : {}) } }] });
    const secret = await waitFor(`read-back Secret ${name}`, async () => k.secret(ns, name));
    return decoded(secret)["v"]!;
  }

  before(async () => {
    ns = await freshNamespace("push");
    otherNs = await freshNamespace("push-other");
    op = await startTestOperator(`${ns},${otherNs}`, { metrics });
    await k.create("SecretStore", ns, store, { provider: { fake: { data: [{ key: "foreign", value: values.foreign }] } } });
    await waitFor("store Ready", async () => {
      const got = (await k.custom.getNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "secretstores", name: store })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      return ready(got)?.status === "True" ? true : undefined;
    });
    await ps.putSecret(ns, "source", { db: values.db, api: values.api });
  });
  after(async () => {
    await op?.stop();
    const logs = op?.logs() ?? "";
    for (const value of Object.values(values)) for (const form of leakForms(value)) assert.ok(!logs.includes(form), "a pushed value reached the operator's logs");
  });

  it("pushes a key, readable by an ExternalSecret of the same store, with ESO's status", async () => {
    await ps.create(ns, "one", { refreshInterval: "1h", secretStoreRefs: [{ name: store }], selector: { secret: { name: "source" } }, data: [{ match: { secretKey: "db", remoteRef: { remoteKey: "app/db" } } }] });
    const done = await ps.waitReady(ns, "one", "True", "Synced");
    assert.equal(ready(done)?.message, "PushSecret synced successfully");
    assert.deepEqual(Object.keys(done.status?.syncedPushSecrets?.[`SecretStore/${store}`] ?? {}), ["app/db"]);
    assert.ok(done.status?.refreshTime);
    assert.equal(done.status?.syncedResourceVersion?.split("-")[0], String(done.metadata.generation));
    assert.equal(writes("app/db"), 1);
    assert.equal(await readBack("app/db"), values.db);
  });

  it("at rest: due refreshes read and write nothing, neither at the provider nor at the apiserver", async () => {
    await ps.patch(ns, "one", { spec: { refreshInterval: "1s" } });
    const synced = await waitFor("the patched generation synced", async () => {
      const got = await ps.get(ns, "one");
      return got?.status?.syncedResourceVersion?.startsWith(`${got.metadata.generation}-`) ? got : undefined;
    });
    const writesBefore = writes();
    const reads = () => fakeCallCount({ store: storeLabel(), operation: "GetSecret", key: "app/db" });
    const readsBefore = reads();
    await sleep(4_500);
    const after = await ps.get(ns, "one");
    assert.equal(writes(), writesBefore, "an idle refresh wrote to the provider");
    assert.equal(after?.metadata.resourceVersion, synced.metadata.resourceVersion, "an idle refresh wrote to the apiserver");
    assert.ok(reads() > readsBefore, "due refreshes compare with the provider (one read each)");
    await ps.patch(ns, "one", { spec: { refreshInterval: "1h" } });
  });

  it("a change of the source Secret is pushed at once, not at the next interval", async () => {
    const before = writes("app/db");
    await ps.putSecret(ns, "source", { db: values.next, api: values.api });
    await waitFor("the new value pushed", async () => (writes("app/db") > before ? true : undefined), 15_000);
    assert.equal(writes("app/db"), before + 1);
    assert.equal(await readBack("app/db"), values.next);
    const events = await k.events(ns);
    assert.match(events, /Normal Synced PushSecret synced successfully/);
  });

  it("a remote key the store holds but we did not push is never overwritten: Ready=False naming it, one Event", async () => {
    await ps.create(ns, "foreign", { secretStoreRefs: [{ name: store }], selector: { secret: { name: "source" } }, data: [{ match: { secretKey: "db", remoteRef: { remoteKey: "foreign" } } }] });
    const failed = await ps.waitReady(ns, "foreign", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /NotOwned: key foreign .* not managed by external-secrets/);
    assert.equal(writes("foreign"), 0);
    assert.equal(await readBack("foreign"), values.foreign);
    await sleep(1_500);
    const warnings = (await k.events(ns)).split("\n").filter((line) => line.startsWith("Warning Errored") && line.includes("foreign"));
    assert.equal(warnings.length, 1, warnings.join("\n"));
  });

  it("a missing source Secret: Ready=False, nothing pushed; created later, it is pushed at once", async () => {
    await ps.create(ns, "missing", { secretStoreRefs: [{ name: store }], selector: { secret: { name: "not-yet" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "app/later" } } }] });
    const failed = await ps.waitReady(ns, "missing", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /could not get source secret not-yet/);
    await ps.putSecret(ns, "not-yet", { k: values.other });
    await ps.waitReady(ns, "missing", "True", "Synced", 15_000);
    assert.equal(writes("app/later"), 1);
  });

  it("a key the source Secret lacks: Ready=False naming it, one Event, nothing pushed (also for the entries before it)", async () => {
    await ps.create(ns, "nokey", { secretStoreRefs: [{ name: store }], selector: { secret: { name: "source" } }, data: [{ match: { secretKey: "db", remoteRef: { remoteKey: "nokey/db" } } }, { match: { secretKey: "nope", remoteRef: { remoteKey: "nokey/nope" } } }] });
    const failed = await ps.waitReady(ns, "nokey", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /secret key nope does not exist/);
    assert.equal(writes("nokey/db"), 0, "the plan fails before any write");
    await sleep(1_500);
    assert.equal((await k.events(ns)).split("\n").filter((line) => line.startsWith("Warning Errored") && line.includes("nope")).length, 1);
  });

  it("a Secret of another namespace is out of reach (the source is looked up in the PushSecret's namespace only)", async () => {
    await ps.putSecret(ns, "only-here", { k: values.other });
    await ps.create(otherNs, "reach", { secretStoreRefs: [{ name: store }], selector: { secret: { name: "only-here" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "stolen" } } }] });
    const failed = await ps.waitReady(otherNs, "reach", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /SecretStore .*push-fake not found|could not get source secret/);
    assert.equal(fakeCallCount({ operation: "PushSecret", key: "stolen" }), 0);
  });

  it("IfNotExists never touches an existing remote value", async () => {
    await ps.putSecret(ns, "ifne", { k: values.other });
    await ps.create(ns, "ifne", { updatePolicy: "IfNotExists", secretStoreRefs: [{ name: store }], selector: { secret: { name: "ifne" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "app/db" } } }, { match: { secretKey: "k", remoteRef: { remoteKey: "app/fresh" } } }] });
    const done = await ps.waitReady(ns, "ifne", "True", "Synced");
    assert.equal(ready(done)?.message, "PushSecret synced successfully. Existing secrets in providers unchanged.");
    assert.equal(await readBack("app/db"), values.next);
    assert.equal(writes("app/fresh"), 1);
  });

  it("dataTo: keys by regexp, rewritten, each to its own remote key; a bundle of matched keys as one JSON object", async () => {
    await ps.putSecret(ns, "bulk", { DB_HOST: "h", DB_USER: "u", OTHER: "o" });
    await ps.create(ns, "bulk", {
      secretStoreRefs: [{ name: store }],
      selector: { secret: { name: "bulk" } },
      dataTo: [
        { storeRef: { name: store }, match: { regexp: "^DB_" }, rewrite: [{ regexp: { source: "^DB_(.*)$", target: "db/$1" } }] },
        { storeRef: { name: store }, remoteKey: "bundle", match: { regexp: "^DB_" } },
      ],
    });
    const done = await ps.waitReady(ns, "bulk", "True", "Synced");
    assert.deepEqual(Object.keys(done.status?.syncedPushSecrets?.[`SecretStore/${store}`] ?? {}).sort(), ["bundle", "db/HOST", "db/USER"]);
    assert.equal(await readBack("db/HOST"), "h");
    assert.equal(await readBack("bundle"), JSON.stringify({ DB_HOST: "h", DB_USER: "u" }));
  });

  it("deletionPolicy Delete: a removed entry is deleted; the PushSecret's deletion removes the rest (ESO's finalizer)", async () => {
    await ps.putSecret(ns, "del", { a: values.other, b: values.api });
    await ps.create(ns, "del", {
      deletionPolicy: "Delete",
      secretStoreRefs: [{ name: store }],
      selector: { secret: { name: "del" } },
      data: [{ match: { secretKey: "a", remoteRef: { remoteKey: "del/a" } } }, { match: { secretKey: "b", remoteRef: { remoteKey: "del/b" } } }],
    });
    const done = await ps.waitReady(ns, "del", "True", "Synced");
    assert.ok(done.metadata.finalizers?.includes("pushsecret.externalsecrets.io/finalizer"));
    await ps.patch(ns, "del", { spec: { data: [{ match: { secretKey: "a", remoteRef: { remoteKey: "del/a" } } }] } });
    await waitFor("del/b deleted", async () => (deletes("del/b") === 1 ? true : undefined));
    const after = await ps.waitReady(ns, "del", "True", "Synced");
    assert.deepEqual(Object.keys(after.status?.syncedPushSecrets?.[`SecretStore/${store}`] ?? {}), ["del/a"]);
    await ps.delete(ns, "del");
    await waitFor("PushSecret gone", async () => ((await ps.get(ns, "del")) ? undefined : true));
    assert.equal(deletes("del/a"), 1);
    assert.equal(deletes("foreign"), 0);
  });

  it("deletionPolicy Delete and the source deleted: what was pushed goes, Ready=False SourceDeleted", async () => {
    await ps.putSecret(ns, "gone", { a: values.other });
    await ps.create(ns, "gone", { deletionPolicy: "Delete", secretStoreRefs: [{ name: store }], selector: { secret: { name: "gone" } }, data: [{ match: { secretKey: "a", remoteRef: { remoteKey: "gone/a" } } }] });
    await ps.waitReady(ns, "gone", "True", "Synced");
    await k.core.deleteNamespacedSecret({ name: "gone", namespace: ns });
    const deleted = await ps.waitReady(ns, "gone", "False", "SourceDeleted", 15_000);
    assert.deepEqual(deleted.status?.syncedPushSecrets ?? {}, {});
    assert.equal(deletes("gone/a"), 1);
  });

  it("a store that cannot be written (SOPS) says so in status", async () => {
    await k.create("SecretStore", ns, "sops-ro", { provider: { sops: { source: { configMap: { name: "nothing" } }, decryption: { ageKeySecretRef: { name: "age" } } } } });
    await ps.create(ns, "readonly", { secretStoreRefs: [{ name: "sops-ro" }], selector: { secret: { name: "source" } }, data: [{ match: { secretKey: "db", remoteRef: { remoteKey: "x" } } }] });
    const failed = await ps.waitReady(ns, "readonly", "False", "Errored");
    assert.match(ready(failed)?.message ?? "", /sops-ro (cannot be written to: its provider is ReadOnly|is not ready)/);
  });

  it("a hostile tenant (a ClusterSecretStore closed to it, a rewrite template without end, a backtracking-style pattern) stalls nothing: an ordinary PushSecret next to it syncs", async () => {
    const closed = `push-closed-${ns}`;
    await k.create("ClusterSecretStore", undefined, closed, { provider: { fake: { data: [] } }, conditions: [{ namespaces: ["somewhere-else"] }] });
    try {
      await ps.putSecret(otherNs, "tenant", { aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab: values.other });
      await ps.create(otherNs, "closed", { secretStoreRefs: [{ name: closed, kind: "ClusterSecretStore" }], selector: { secret: { name: "tenant" } }, data: [{ match: { remoteRef: { remoteKey: "taken" } } }] });
      await k.create("SecretStore", otherNs, "tenant-fake", { provider: { fake: { data: [] } } });
      await ps.create(otherNs, "endless", {
        secretStoreRefs: [{ name: "tenant-fake" }],
        selector: { secret: { name: "tenant" } },
        dataTo: [{ storeRef: { name: "tenant-fake" }, rewrite: [{ transform: { template: "{{ range until 100000000 }}{{ end }}{{ .value }}" } }] }],
      });
      await ps.create(otherNs, "backtracking", {
        secretStoreRefs: [{ name: "tenant-fake" }],
        selector: { secret: { name: "tenant" } },
        dataTo: [{ storeRef: { name: "tenant-fake" }, match: { regexp: "^(a+)+$" } }],
      });
      const refused = await ps.waitReady(otherNs, "closed", "False", "Errored");
      assert.match(ready(refused)?.message ?? "", /does not allow namespace .* \(spec\.conditions\)/);
      // RE2: the pattern runs in linear time and matches nothing here; the PushSecret completes with nothing to push.
      const linear = await ps.waitReady(otherNs, "backtracking", "True", "Synced");
      assert.deepEqual(linear.status?.syncedPushSecrets?.["SecretStore/tenant-fake"] ?? {}, {});
      // Meanwhile an ordinary tenant's push goes through at once.
      await ps.create(ns, "ordinary", { secretStoreRefs: [{ name: store }], selector: { secret: { name: "source" } }, data: [{ match: { secretKey: "api", remoteRef: { remoteKey: "ordinary" } } }] });
      await ps.waitReady(ns, "ordinary", "True", "Synced", 10_000);
      assert.equal(fakeCallCount({ operation: "PushSecret", key: "taken" }), 0);
      // The template without end is stopped by the isolation worker's time limit: a spec error, nothing pushed.
      const stopped = await ps.waitReady(otherNs, "endless", "False", "Errored", 60_000);
      assert.match(ready(stopped)?.message ?? "", /InvalidProviderConfig: dataTo\[0\]\.rewrite\.transform/);
    } finally {
      await k.custom.deleteClusterCustomObject({ group: "external-secrets.io", version: "v1", plural: "clustersecretstores", name: closed });
    }
  });

  it("metrics with ESO's names: pushsecret_status_condition, pushsecret_reconcile_duration; writes counted", async () => {
    const text = await metrics.registry.metrics();
    assert.match(text, new RegExp(`pushsecret_status_condition\\{name="one",namespace="${ns}",condition="Ready",status="True"\\} 1`));
    assert.match(text, new RegExp(`pushsecret_status_condition\\{name="foreign",namespace="${ns}",condition="Ready",status="False"\\} 1`));
    assert.match(text, new RegExp(`pushsecret_reconcile_duration\\{name="one",namespace="${ns}"\\} \\d+`));
    assert.doesNotMatch(text, /pushsecret_reconcile_duration\{name="del",/, "a deleted PushSecret's series is removed");
    assert.match(text, new RegExp(`pushsecret_provider_writes_total\\{name="one",namespace="${ns}",operation="write"\\} 2`));
    for (const value of Object.values(values)) for (const form of leakForms(value)) assert.ok(!text.includes(form));
  });

  it("selector.generatorRef: a Password pushed once, rotated only by the interval or a spec change, never by a wake-up or a restart", async () => {
    const generators = "generators.external-secrets.io";
    await k.custom.createNamespacedCustomObject({ group: generators, version: "v1alpha1", namespace: ns, plural: "passwords", body: { apiVersion: `${generators}/v1alpha1`, kind: "Password", metadata: { name: "pw" }, spec: { length: 24 } } });
    await ps.create(ns, "generated", { refreshInterval: "1h", secretStoreRefs: [{ name: store }], selector: { generatorRef: { apiVersion: `${generators}/v1alpha1`, kind: "Password", name: "pw" } }, data: [{ match: { secretKey: "password", remoteRef: { remoteKey: "gen/pw" } } }] });
    await ps.waitReady(ns, "generated", "True", "Synced");
    const first = await readBack("gen/pw");
    assert.equal(first.length, 24);
    assert.equal(writes("gen/pw"), 1);
    // Wake-ups that are not a reason to rotate: a label-free status read, a source-Secret event in the namespace, a restart.
    await ps.putSecret(ns, "source", { db: values.next, api: values.api, touched: "yes" });
    await op.stop();
    op = await startTestOperator(`${ns},${otherNs}`);
    await sleep(3_000);
    assert.equal(writes("gen/pw"), 1, "no rotation without a reason");
    // A spec change rotates; then a short interval rotates on its own.
    await ps.patch(ns, "generated", { spec: { refreshInterval: "2s" } });
    await waitFor("rotated by the spec change and the interval", async () => (writes("gen/pw") >= 3 ? true : undefined), 20_000);
    const rotated = await readBack("gen/pw");
    assert.notEqual(rotated, first);
    for (const generated of [first, rotated]) for (const form of leakForms(generated)) assert.ok(!op.logs().includes(form), "a generated value reached the logs");
    await ps.patch(ns, "generated", { spec: { refreshInterval: "0" } });
    await ps.waitReady(ns, "generated", "True", "Synced");
  });

  it("no pushed value appears in any status or Event", async () => {
    const list = (await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1alpha1", namespace: ns, plural: "pushsecrets" })) as { items: unknown[] };
    const text = JSON.stringify(list.items) + (await k.events(ns));
    for (const value of Object.values(values)) for (const form of leakForms(value)) assert.ok(!text.includes(form), "a value reached status or Events");
  });
});
