// The markers and ownership put on a rendered target.manifest object, and the checks that decide whether a
// write (or a sync) is needed.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import type { ResolvedTarget } from "../../../src/api/defaults.ts";
import { ANNOTATION_DATA_HASH, LABEL_CREATED_BY, LABEL_MANAGED } from "../../../src/api/markers.ts";
import { finishManifest, manifestBase, manifestLooksCurrent, manifestUnchanged } from "../../../src/reconcilers/external-secret/manifest-target/desired.ts";
import { goPrint, manifestContentHash } from "../../../src/reconcilers/external-secret/manifest-target/content-hash.ts";
import type { Manifest } from "../../../src/template/render-manifest.ts";

const es = { apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: { name: "es", namespace: "ns", uid: "uid-1" }, spec: {} } as unknown as ExternalSecret;
const target = (creationPolicy: ResolvedTarget["creationPolicy"]): ResolvedTarget => ({ name: "cm", creationPolicy, deletionPolicy: "Retain", immutable: false });
const kind = { apiVersion: "v1", group: "", kind: "ConfigMap" };
const rendered = (data: Record<string, unknown> = { a: "1" }): Manifest => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "ns" }, data });

describe("goPrint and the content hash", () => {
  it("prints as Go's %v of JSON-decoded values", () => {
    assert.equal(goPrint({ b: [1, "x", null], a: { z: true, y: 1.5 } }), "map[a:map[y:1.5 z:true] b:[1 x <nil>]]");
    assert.equal(goPrint(0.00001), "1e-05");
    assert.equal(goPrint(1e21), "1e+21");
  });
  it("hashes spec, else data, as ESO's genericTargetContentHash", () => {
    const want = createHash("sha3-224").update("map[a:1]").digest("hex");
    assert.equal(manifestContentHash({ data: { a: "1" } }), want);
    assert.equal(manifestContentHash({ spec: { a: "1" }, data: { other: "x" } }), want);
    assert.equal(manifestContentHash({ metadata: {} }), undefined);
  });
});

describe("manifestBase", () => {
  it("starts fresh for Owner and from the live object for Merge", () => {
    const live = { ...rendered({ keep: "k" }), metadata: { name: "cm", namespace: "ns", resourceVersion: "5", managedFields: [{}] } } as unknown as KubernetesObject;
    assert.deepEqual(manifestBase(es, kind, target("Owner"), live).data, {});
    const merged = manifestBase(es, kind, target("Merge"), live);
    assert.deepEqual(merged.data, { keep: "k" });
    assert.equal(merged.metadata.managedFields, undefined);
    assert.deepEqual(manifestBase(es, { apiVersion: "x.io/v1", group: "x.io", kind: "App" }, target("Owner"), undefined).spec, {});
  });
});

describe("finishManifest", () => {
  it("Owner: controller reference, managed and created-by labels, data-hash; others' labels and owners kept", () => {
    const live = { metadata: { labels: { theirs: "1" }, annotations: { note: "n" }, ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "p", uid: "pod" }] } } as KubernetesObject;
    const out = finishManifest(es, target("Owner"), rendered(), live);
    assert.equal(out.metadata.labels?.[LABEL_MANAGED], "true");
    assert.equal(out.metadata.labels?.theirs, "1");
    assert.equal(out.metadata.labels?.[LABEL_CREATED_BY]?.length, 56);
    assert.equal(out.metadata.annotations?.note, "n");
    assert.equal(out.metadata.annotations?.[ANNOTATION_DATA_HASH], manifestContentHash(out));
    assert.deepEqual((out.metadata.ownerReferences as Array<{ uid: string; controller?: boolean }>).map((r) => [r.uid, r.controller ?? false]), [["pod", false], ["uid-1", true]]);
  });
  it("Orphan and Merge drop our controller reference and created-by", () => {
    const live = { metadata: { labels: { [LABEL_CREATED_BY]: "x" }, ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "es", uid: "uid-1", controller: true }] } } as KubernetesObject;
    const out = finishManifest(es, target("Orphan"), rendered(), live);
    assert.equal(out.metadata.ownerReferences, undefined);
    assert.equal(out.metadata.labels?.[LABEL_CREATED_BY], undefined);
  });
  it("refuses an object another ExternalSecret controls", () => {
    const live = { metadata: { ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "other", uid: "u2", controller: true }] } } as KubernetesObject;
    assert.throws(() => finishManifest(es, target("Owner"), rendered(), live), /owned by ExternalSecret other/);
  });
  it("refuses a result with neither spec nor data", () => {
    assert.throws(() => finishManifest(es, target("Owner"), { apiVersion: "v1", kind: "ConfigMap", metadata: {} }, undefined), /neither spec nor data/);
  });
});

describe("manifestUnchanged and manifestLooksCurrent", () => {
  const desired = () => finishManifest(es, target("Owner"), rendered({ a: "1" }), undefined);
  const live = (change: (o: Record<string, any>) => void = () => {}) => {
    const o = structuredClone(desired()) as Record<string, any>;
    o.metadata.resourceVersion = "7";
    o.metadata.labels.extra = "added-by-someone";
    change(o);
    return o as KubernetesObject;
  };
  it("is unchanged when the live object holds everything desired (extra labels allowed)", () => assert.ok(manifestUnchanged(live(), desired())));
  it("sees a changed value, a removed key's survivor, a lost owner and a stale created-by", () => {
    assert.ok(!manifestUnchanged(live((o) => (o.data.a = "2")), desired()));
    assert.ok(!manifestUnchanged(live((o) => (o.data.b = "extra")), desired()));
    assert.ok(!manifestUnchanged(live((o) => delete o.metadata.ownerReferences), desired()));
    const orphan = finishManifest(es, target("Orphan"), rendered({ a: "1" }), undefined);
    assert.ok(!manifestUnchanged(live((o) => delete o.metadata.ownerReferences), orphan));
  });
  it("looks current only with the managed label and a matching hash; Orphan once it exists", () => {
    assert.ok(manifestLooksCurrent(live(), target("Owner")));
    assert.ok(!manifestLooksCurrent(live((o) => (o.data.a = "drifted")), target("Owner")));
    assert.ok(!manifestLooksCurrent(live((o) => delete o.metadata.labels[LABEL_MANAGED]), target("Owner")));
    assert.ok(!manifestLooksCurrent(undefined, target("Owner")));
    assert.ok(manifestLooksCurrent(live((o) => (o.data.a = "drifted")), target("Orphan")));
  });
});
