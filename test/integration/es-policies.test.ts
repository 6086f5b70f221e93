// creationPolicy, deletionPolicy and immutable on the real apiserver; a Secret we do not own is never overwritten;
// deleting an ExternalSecret removes only the Secret it owns (the real garbage collector does it).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setHeaderOptions, PatchStrategy } from "@kubernetes/client-node";
import { CASCADE_TIMEOUT_MS, freshNamespace } from "../helpers/bench.ts";
import { decoded, kube, ready, sleep, startTestOperator, waitFor, waitForGone, type TestOperator, waitForReady } from "../helpers/operator.ts";
import { createdByValue } from "../../src/api/markers.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("creation and deletion policies", () => {
  let ns: string;
  let op: TestOperator;
  const k = kube();
  const fakeData = [
    { key: "a", value: "value-a" },
    { key: "b", value: "value-b" },
  ];

  const readyEs = (name: string, status: "True" | "False", reason?: string) => waitForReady(k, ns, name, status, reason);

  before(async () => {
    ns = await freshNamespace("es-policies");
    op = await startTestOperator(ns);
    await k.create("SecretStore", ns, "fake", { provider: { fake: { data: fakeData } } });
  });
  after(async () => {
    await op?.stop();
  });

  it("Orphan creates a Secret without an ownerReference", async () => {
    await k.create("ExternalSecret", ns, "orphan", { secretStoreRef: { name: "fake" }, target: { creationPolicy: "Orphan" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    const secret = await waitFor("secret orphan", () => k.secret(ns, "orphan"));
    assert.deepEqual(decoded(secret), { a: "value-a" });
    assert.equal(secret.metadata?.ownerReferences, undefined);
    assert.equal(secret.metadata?.labels?.["reconcile.external-secrets.io/managed"], "true");
  });

  it("Merge adds only its keys to an existing Secret and never touches the others", async () => {
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "shared", labels: { mine: "yes" } }, data: { keep: b64("kept"), a: b64("old") } } });
    await k.create("ExternalSecret", ns, "merge", { secretStoreRef: { name: "fake" }, target: { name: "shared", creationPolicy: "Merge" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }, { secretKey: "b", remoteRef: { key: "b" } }] });
    const secret = await waitFor("merged keys", async () => {
      const s = await k.secret(ns, "shared");
      return decoded(s).b === "value-b" ? s : undefined;
    });
    assert.deepEqual(decoded(secret), { keep: "kept", a: "value-a", b: "value-b" });
    assert.equal(secret.metadata?.labels?.mine, "yes");
    assert.equal(secret.metadata?.ownerReferences, undefined);
    // Dropping a key from the ExternalSecret removes exactly that key, because we applied it.
    await k.patch("ExternalSecret", ns, "merge", { spec: { data: [{ secretKey: "a", remoteRef: { key: "a" } }] } });
    const after = await waitFor("key b removed", async () => {
      const s = await k.secret(ns, "shared");
      return decoded(s).b === undefined ? s : undefined;
    });
    assert.deepEqual(decoded(after), { keep: "kept", a: "value-a" });
  });

  it("Merge without a Secret is Ready=True, SecretMissing (as ESO), creates nothing and sends no Warning", async () => {
    await k.create("ExternalSecret", ns, "merge-missing", { secretStoreRef: { name: "fake" }, target: { creationPolicy: "Merge" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    const es = await readyEs("merge-missing", "True", "SecretMissing");
    assert.equal(ready(es)?.message, "secret will not be created due to CreationPolicy=Merge");
    assert.ok(es.status?.refreshTime, "refreshTime set: the next try is the next refresh, not a backoff storm");
    // A force-sync reconciles again; still no Event of any kind for this ExternalSecret.
    await k.patch("ExternalSecret", ns, "merge-missing", { metadata: { annotations: { "force-sync": "1" } } });
    await waitFor("force-sync seen", async () => ((await k.es(ns, "merge-missing")).status?.syncedResourceVersion !== es.status?.syncedResourceVersion ? true : undefined));
    const events = (await k.core.listNamespacedEvent({ namespace: ns, fieldSelector: "involvedObject.name=merge-missing" })).items;
    assert.deepEqual(events.map((e) => `${e.type}/${e.reason}`), []);
    assert.equal(await k.secret(ns, "merge-missing"), undefined);
  });

  it("CreateOrMerge creates when missing, without an ownerReference", async () => {
    await k.create("ExternalSecret", ns, "com", { secretStoreRef: { name: "fake" }, target: { creationPolicy: "CreateOrMerge" }, data: [{ secretKey: "b", remoteRef: { key: "b" } }] });
    const secret = await waitFor("secret com", () => k.secret(ns, "com"));
    assert.deepEqual(decoded(secret), { b: "value-b" });
    assert.equal(secret.metadata?.ownerReferences, undefined);
  });

  it("None writes no Secret but reports Ready", async () => {
    await k.create("ExternalSecret", ns, "none", { secretStoreRef: { name: "fake" }, target: { creationPolicy: "None" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    await readyEs("none", "True", "SecretSynced");
    assert.equal(await k.secret(ns, "none"), undefined);
  });

  it("never overwrites a Secret it does not own (Owner policy)", async () => {
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "foreign" }, data: { a: b64("theirs") } } });
    await k.create("ExternalSecret", ns, "foreign", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    const es = await readyEs("foreign", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /not managed by this ExternalSecret/);
    assert.deepEqual(decoded(await k.secret(ns, "foreign")), { a: "theirs" });
  });

  it("created-by is ESO's hash of namespace/name; a Secret with our old plain-name label is updated once, then left alone", async () => {
    await k.create("ExternalSecret", ns, "label", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    const first = await waitFor("secret label", () => k.secret(ns, "label"));
    assert.equal(first.metadata?.labels?.["reconcile.external-secrets.io/created-by"], createdByValue(ns, "label"));
    // As an older secrets-bridge left it: the plain name.
    await k.core.patchNamespacedSecret({ name: "label", namespace: ns, body: { metadata: { labels: { "reconcile.external-secrets.io/created-by": "label" } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    await k.patch("ExternalSecret", ns, "label", { metadata: { annotations: { "force-sync": "1" } } });
    const fixed = await waitFor("label rewritten", async () => {
      const s = await k.secret(ns, "label");
      return s?.metadata?.labels?.["reconcile.external-secrets.io/created-by"] === createdByValue(ns, "label") ? s : undefined;
    });
    await k.patch("ExternalSecret", ns, "label", { metadata: { annotations: { "force-sync": "2" } } });
    await waitFor("second force-sync done", async () => ((await k.es(ns, "label")).metadata.annotations?.["force-sync"] === "2" && ready(await k.es(ns, "label"))?.status === "True" ? true : undefined));
    await sleep(1500);
    assert.equal((await k.secret(ns, "label"))?.metadata?.resourceVersion, fixed.metadata?.resourceVersion, "no churn after the one update");
  });

  it("renaming target.name (Owner) deletes the old Secret it owned, and nothing it does not own", async () => {
    await k.create("ExternalSecret", ns, "rename", { secretStoreRef: { name: "fake" }, target: { name: "first" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    const first = await waitFor("secret first", () => k.secret(ns, "first"));
    const es = await k.es(ns, "rename");
    // Decoys: ESO's created-by label and the managed label, but no ownerReference; and one controlled by another uid.
    const labels = { "reconcile.external-secrets.io/managed": "true", "reconcile.external-secrets.io/created-by": createdByValue(ns, "rename") };
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "decoy-labels", labels }, data: { a: b64("theirs") } } });
    const otherOwner = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "rename", uid: "00000000-0000-0000-0000-000000000000", controller: true };
    await k.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "decoy-owner", labels, ownerReferences: [otherOwner] }, data: { a: b64("theirs") } } });
    await k.patch("ExternalSecret", ns, "rename", { spec: { target: { name: "second" } } });
    const second = await waitFor("secret second", () => k.secret(ns, "second"));
    assert.equal(second.metadata?.ownerReferences?.[0]?.uid, es.metadata.uid);
    await waitForGone("old secret first", () => k.core.readNamespacedSecret({ name: "first", namespace: ns }), 10_000);
    const events = await k.events(ns);
    assert.match(events, /Normal Deleted secret first deleted because it was orphaned/);
    assert.ok(first.metadata?.uid);
    await sleep(1000);
    assert.ok(await k.secret(ns, "decoy-labels"), "a Secret without our ownerReference is never deleted");
    // The garbage collector removes decoy-owner (its owner uid does not exist); we never did, so no Event names it.
    assert.doesNotMatch(await k.events(ns), /secret decoy-owner deleted/);
    assert.ok(await k.secret(ns, "second"));
  });

  it("immutable creates an immutable Secret and reports a later change as an error, keeping the Secret", async () => {
    await k.create("ExternalSecret", ns, "imm", { refreshInterval: "1s", secretStoreRef: { name: "fake" }, target: { immutable: true }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    const secret = await waitFor("secret imm", () => k.secret(ns, "imm"));
    assert.equal(secret.immutable, true);
    await k.patch("ExternalSecret", ns, "imm", { spec: { data: [{ secretKey: "a", remoteRef: { key: "b" } }] } });
    const es = await readyEs("imm", "False");
    assert.match(ready(es)?.message ?? "", /immutable/);
    assert.deepEqual(decoded(await k.secret(ns, "imm")), { a: "value-a" });
  });

  it("deletionPolicy Retain keeps the Secret and reports the missing key", async () => {
    await k.create("SecretStore", ns, "vanishing-retain", { provider: { fake: { data: [{ key: "gone", value: "here-now" }] } } });
    await k.create("ExternalSecret", ns, "retain", { refreshInterval: "1s", secretStoreRef: { name: "vanishing-retain" }, data: [{ secretKey: "v", remoteRef: { key: "gone" } }] });
    await waitFor("secret retain", () => k.secret(ns, "retain"));
    await k.patch("SecretStore", ns, "vanishing-retain", { spec: { provider: { fake: { data: [{ key: "other", value: "x" }] } } } });
    const es = await readyEs("retain", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /not found/);
    assert.deepEqual(decoded(await k.secret(ns, "retain")), { v: "here-now" });
  });

  it("deletionPolicy Delete removes the Secret once the provider confirms the key is gone", async () => {
    await k.create("SecretStore", ns, "vanishing-delete", { provider: { fake: { data: [{ key: "gone", value: "here-now" }] } } });
    await k.create("ExternalSecret", ns, "del", { refreshInterval: "1s", secretStoreRef: { name: "vanishing-delete" }, target: { deletionPolicy: "Delete" }, data: [{ secretKey: "v", remoteRef: { key: "gone" } }] });
    await waitFor("secret del", () => k.secret(ns, "del"));
    await k.patch("SecretStore", ns, "vanishing-delete", { spec: { provider: { fake: { data: [{ key: "other", value: "x" }] } } } });
    await readyEs("del", "True", "SecretDeleted");
    assert.equal(await k.secret(ns, "del"), undefined);
    // It stays deleted: no re-creation loop.
    await sleep(1500);
    assert.equal(await k.secret(ns, "del"), undefined);
  });

  it("deletionPolicy Merge removes the vanished keys and keeps the Secret", async () => {
    await k.create("SecretStore", ns, "vanishing-merge", { provider: { fake: { data: [{ key: "gone", value: "here-now" }, { key: "stays", value: "still" }] } } });
    await k.create("ExternalSecret", ns, "dmerge", {
      refreshInterval: "1s",
      secretStoreRef: { name: "vanishing-merge" },
      target: { deletionPolicy: "Merge" },
      data: [{ secretKey: "v", remoteRef: { key: "gone" } }, { secretKey: "s", remoteRef: { key: "stays" } }],
    });
    await waitFor("secret dmerge", () => k.secret(ns, "dmerge"));
    await k.patch("SecretStore", ns, "vanishing-merge", { spec: { provider: { fake: { data: [{ key: "stays", value: "still" }] } } } });
    const secret = await waitFor("key v removed", async () => {
      const s = await k.secret(ns, "dmerge");
      return s && decoded(s).v === undefined ? s : undefined;
    });
    assert.deepEqual(decoded(secret), { s: "still" });
  });

  it("an unreachable or failing store keeps the last good Secret", async () => {
    await k.create("ExternalSecret", ns, "keep", { refreshInterval: "1s", secretStoreRef: { name: "fake" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    await waitFor("secret keep", () => k.secret(ns, "keep"));
    // Break the store's spec at runtime: the provider slice no longer parses.
    await k.core.patchNamespacedSecret({ name: "keep", namespace: ns, body: { metadata: { labels: { probe: "1" } } } }, setHeaderOptions("Content-Type", PatchStrategy.MergePatch));
    await k.patch("ExternalSecret", ns, "keep", { spec: { secretStoreRef: { name: "does-not-exist" } } });
    const es = await readyEs("keep", "False", "SecretSyncedError");
    assert.match(ready(es)?.message ?? "", /not found/);
    assert.deepEqual(decoded(await k.secret(ns, "keep")), { a: "value-a" });
  });

  // Last: it deletes ExternalSecrets of the tests above.
  it("deleting ExternalSecrets: the garbage collector deletes the Owner Secret; Orphan, Merge and CreateOrMerge Secrets stay", async () => {
    await k.create("ExternalSecret", ns, "owned", { secretStoreRef: { name: "fake" }, data: [{ secretKey: "a", remoteRef: { key: "a" } }] });
    await waitFor("secret owned", () => k.secret(ns, "owned"));
    for (const name of ["orphan", "merge", "com", "owned"]) await k.delete("ExternalSecret", ns, name);
    await waitFor("Secret owned deleted by the garbage collector", async () => ((await k.secret(ns, "owned")) === undefined ? true : undefined), CASCADE_TIMEOUT_MS);
    // The collector has handled these deletions by now (the owned one came last); what it left stays, unchanged.
    assert.deepEqual(decoded(await k.secret(ns, "orphan")), { a: "value-a" });
    assert.deepEqual(decoded(await k.secret(ns, "shared")), { keep: "kept", a: "value-a" });
    assert.deepEqual(decoded(await k.secret(ns, "com")), { b: "value-b" });
  });
});
