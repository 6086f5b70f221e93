import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { V1OwnerReference, V1Secret } from "@kubernetes/client-node";
import { desiredSecret, digestForCache, isCurrent, keysAppliedBy, looksCurrent, orphanedSecrets } from "../../../src/reconcilers/external-secret/desired-secret.ts";
import { resolvedTarget } from "../../../src/api/defaults.ts";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import { ConfigError } from "../../../src/provider/errors.ts";

const es = (target: Record<string, unknown> = {}): ExternalSecret => ({ metadata: { name: "es", namespace: "ns", uid: "u1" }, spec: { target, data: [] } }) as ExternalSecret;
const bytes = (s: string) => new Uint8Array(Buffer.from(s));
const render = (data: Record<string, string>) => ({ data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, bytes(v)])), type: undefined, labels: { app: "x" }, annotations: {} });
const toSecret = (d: ReturnType<typeof desiredSecret>): V1Secret => ({
  metadata: { name: d.name, namespace: d.namespace, labels: { ...d.labels, extra: "kept" }, annotations: d.annotations, ownerReferences: d.ownerReference ? [d.ownerReference] : undefined },
  type: "Opaque",
  data: Object.fromEntries(Object.entries(d.data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])),
});

describe("desiredSecret and isCurrent", () => {
  it("Owner: managed label, data-hash, controller ownerReference", () => {
    const e = es();
    const d = desiredSecret(e, resolvedTarget(e), render({ a: "1" }));
    assert.equal(d.labels["reconcile.external-secrets.io/managed"], "true");
    assert.ok(d.annotations["reconcile.external-secrets.io/data-hash"]);
    assert.equal(d.ownerReference?.uid, "u1");
    assert.ok(isCurrent(toSecret(d), d, false, "es"), "a Secret written from the desired state is current");
    assert.ok(looksCurrent(toSecret(d)));
  });
  it("created-by is ESO's ObjectHash of namespace/name (Owner only); our old plain-name value is rewritten once, Orphan drops it", () => {
    const e = { ...es(), metadata: { name: "db-credentials", namespace: "team-a", uid: "u1" } } as ExternalSecret;
    const d = desiredSecret(e, resolvedTarget(e), render({ a: "1" }));
    // Known answer from Python's hashlib.sha3_224(b"team-a/db-credentials") (ESO: sha3.Sum224 of the text, hex).
    assert.equal(d.labels["reconcile.external-secrets.io/created-by"], "fc7e00f9b9f72fb8092e5e82de71007794da4f246024bd0142ebd45e");
    const written = toSecret(d);
    assert.ok(isCurrent(written, d, false, "db-credentials"), "ESO's own label is current: no churn after a swap");
    const old = { ...written, metadata: { ...written.metadata, labels: { ...written.metadata!.labels, "reconcile.external-secrets.io/created-by": "db-credentials" } } };
    assert.equal(isCurrent(old, d, false, "db-credentials"), false, "the plain-name label is updated once");
    const long = { ...es(), metadata: { name: "x".repeat(200), namespace: "ns", uid: "u1" } } as ExternalSecret;
    assert.equal(desiredSecret(long, resolvedTarget(long), render({ a: "1" })).labels["reconcile.external-secrets.io/created-by"]?.length, 56);
    const orphan = es({ creationPolicy: "Orphan" });
    const o = desiredSecret(orphan, resolvedTarget(orphan), render({ a: "1" }));
    assert.equal(o.labels["reconcile.external-secrets.io/created-by"], undefined);
    assert.ok(isCurrent(toSecret(o), o, false, "es"));
    assert.equal(isCurrent(old, o, false, "es"), false, "an Orphan Secret still carrying created-by is rewritten without it (as ESO)");
  });

  it("orphanedSecrets: only Secrets this ExternalSecret controls (uid) and labels managed, under another name", () => {
    const e = es();
    const managed = { "reconcile.external-secrets.io/managed": "true" };
    const ours = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "es", uid: "u1", controller: true };
    const secret = (name: string, labels: Record<string, string> | undefined, owners: V1OwnerReference[] | undefined): V1Secret => ({ metadata: { name, namespace: "ns", labels, ownerReferences: owners } });
    const table = [
      { name: "old name, ours", given: secret("old", managed, [ours]), want: true },
      { name: "the current target", given: secret("es", managed, [ours]), want: false },
      { name: "no managed label", given: secret("old", undefined, [ours]), want: false },
      { name: "no ownerReference (ESO's label alone is not enough)", given: secret("old", { ...managed, "reconcile.external-secrets.io/created-by": "x" }, undefined), want: false },
      { name: "controlled by another uid", given: secret("old", managed, [{ ...ours, uid: "u2" }]), want: false },
      { name: "our uid but not as controller", given: secret("old", managed, [{ ...ours, controller: false }]), want: false },
    ];
    for (const { name, given, want } of table) assert.equal(orphanedSecrets([given], e, "es").length === 1, want, name);
  });

  it("a changed value, an extra key or a missing ownerReference is not current", () => {
    const e = es();
    const d = desiredSecret(e, resolvedTarget(e), render({ a: "1" }));
    const changed = toSecret(desiredSecret(e, resolvedTarget(e), render({ a: "2" })));
    assert.ok(!isCurrent(changed, d, false, "es"));
    const extra = toSecret(d);
    extra.data!.b = "eA==";
    assert.ok(!isCurrent(extra, d, false, "es"));
    assert.ok(!looksCurrent(extra), "data no longer matches the hash");
    const orphaned = toSecret(d);
    orphaned.metadata!.ownerReferences = undefined;
    assert.ok(!isCurrent(orphaned, d, false, "es"));
  });
  it("Merge: no markers; extra keys of others are fine; a key we applied but no longer want is not", () => {
    const e = es({ creationPolicy: "Merge" });
    const d = desiredSecret(e, resolvedTarget(e), render({ a: "1" }));
    assert.equal(d.labels["reconcile.external-secrets.io/managed"], undefined);
    const secret = toSecret(d);
    secret.data!.theirs = "eA==";
    assert.ok(isCurrent(secret, d, true, "es"));
    secret.metadata!.managedFields = [{ manager: "externalsecrets.external-secrets.io/es", operation: "Apply", fieldsV1: { "f:data": { "f:a": {}, "f:old": {} } } }];
    assert.deepEqual(keysAppliedBy(secret, "es"), ["a", "old"]);
    assert.ok(!isCurrent(secret, d, true, "es"));
  });
  it("an invalid Secret key is a ConfigError", () => {
    const e = es();
    assert.throws(() => desiredSecret(e, resolvedTarget(e), render({ "bad key": "1" })), ConfigError);
  });
  it("the watch's cached copy holds no values, and answers current / not current from the hash alone", () => {
    const e = es();
    const d = desiredSecret(e, resolvedTarget(e), render({ a: "value-1", b: "value-2" }));
    const cached = toSecret(d);
    digestForCache(cached);
    assert.equal(cached.data, undefined, "values dropped");
    digestForCache(cached); // the informer's list path hands an object to the transform twice
    assert.ok(looksCurrent(cached), "a second transform keeps the digest");
    assert.ok(!JSON.stringify(cached).includes(Buffer.from("value-1").toString("base64")));
    assert.ok(looksCurrent(cached));
    assert.ok(isCurrent(cached, d, false, "es"));
    const other = desiredSecret(e, resolvedTarget(e), render({ a: "value-1", b: "changed" }));
    assert.ok(!isCurrent(cached, other, false, "es"), "a different desired value is not current");
    const edited = toSecret(d);
    edited.data!.a = Buffer.from("edited by hand").toString("base64");
    digestForCache(edited);
    assert.ok(!looksCurrent(edited), "a value edited behind our back no longer matches the data-hash annotation");
    assert.ok(!isCurrent(edited, d, false, "es"));
  });
});
