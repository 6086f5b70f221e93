// ObjectStore: the informer cache and the relist diff that recovers deletes missed while disconnected.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import { ObjectStore, objectKey } from "../../../src/controller/object-store.ts";
import { TEST_TIMEOUT_MS } from "./helpers.ts";

function obj(ns: string, name: string, rv: string): KubernetesObject {
  return { metadata: { namespace: ns || undefined, name, resourceVersion: rv } };
}
const names = (objs: KubernetesObject[]): string[] => objs.map(objectKey).sort();

const replaceCases = [
  {
    name: "first list: everything is added",
    given: { cached: [], listed: [obj("a", "x", "1"), obj("b", "x", "1")] },
    want: { deleted: [], added: ["a/x", "b/x"], updated: [] },
  },
  {
    name: "same list again: silent",
    given: { cached: [obj("a", "x", "1")], listed: [obj("a", "x", "1")] },
    want: { deleted: [], added: [], updated: [] },
  },
  {
    name: "deleted while disconnected, changed, created",
    given: { cached: [obj("a", "gone", "1"), obj("a", "changed", "1"), obj("a", "same", "1")], listed: [obj("a", "changed", "2"), obj("a", "same", "1"), obj("a", "new", "1")] },
    want: { deleted: ["a/gone"], added: ["a/new"], updated: ["a/changed"] },
  },
  {
    name: "a whole namespace vanished",
    given: { cached: [obj("a", "x", "1"), obj("b", "y", "1")], listed: [obj("b", "y", "1")] },
    want: { deleted: ["a/x"], added: [], updated: [] },
  },
  {
    name: "cluster-scoped objects and namespaced ones with the same name are distinct",
    given: { cached: [obj("", "x", "1"), obj("a", "x", "1")], listed: [obj("a", "x", "1")] },
    want: { deleted: ["/x"], added: [], updated: [] },
  },
  {
    name: "empty list deletes everything",
    given: { cached: [obj("a", "x", "1")], listed: [] },
    want: { deleted: ["a/x"], added: [], updated: [] },
  },
];

for (const c of replaceCases) {
  test(`replace: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    const store = new ObjectStore<KubernetesObject>();
    for (const o of c.given.cached) store.upsert(o);
    const got = store.replace(c.given.listed);
    assert.deepEqual(names(got.deleted), c.want.deleted);
    assert.deepEqual(names(got.added), c.want.added);
    assert.deepEqual(names(got.updated.map((u) => u.obj)), c.want.updated);
    assert.deepEqual(names(store.list()), names(c.given.listed), "the cache equals the list afterwards");
  });
}

test("replace reports the old object of an update", { timeout: TEST_TIMEOUT_MS }, () => {
  const store = new ObjectStore<KubernetesObject>();
  const before = obj("a", "x", "1");
  store.upsert(before);
  const got = store.replace([obj("a", "x", "2")]);
  assert.equal(got.updated[0]?.old, before);
});

const upsertCases = [
  { name: "new object", given: { cached: [] as KubernetesObject[], event: obj("a", "x", "1") }, want: "add" },
  { name: "newer version", given: { cached: [obj("a", "x", "1")], event: obj("a", "x", "2") }, want: "update" },
  { name: "same version (relist replay)", given: { cached: [obj("a", "x", "1")], event: obj("a", "x", "1") }, want: "unchanged" },
  { name: "no resourceVersion counts as changed", given: { cached: [{ metadata: { name: "x" } }], event: { metadata: { name: "x" } } }, want: "update" },
];

for (const c of upsertCases) {
  test(`upsert: ${c.name}`, { timeout: TEST_TIMEOUT_MS }, () => {
    const store = new ObjectStore<KubernetesObject>();
    for (const o of c.given.cached) store.upsert(o);
    assert.equal(store.upsert(c.given.event).kind, c.want);
  });
}

test("remove, get and list by namespace", { timeout: TEST_TIMEOUT_MS }, () => {
  const store = new ObjectStore<KubernetesObject>();
  store.upsert(obj("a", "x", "1"));
  store.upsert(obj("b", "y", "1"));
  store.upsert(obj("", "cluster", "1"));
  assert.equal(store.get("x", "a")?.metadata?.name, "x");
  assert.equal(store.get("x", "b"), undefined);
  assert.equal(store.get("cluster")?.metadata?.name, "cluster");
  assert.deepEqual(names(store.list("b")), ["b/y"]);
  assert.equal(store.list().length, 3);
  assert.ok(store.remove(obj("a", "x", "9")));
  assert.equal(store.remove(obj("a", "x", "9")), undefined, "second delete is a no-op");
  assert.equal(store.size(), 2);
});

test("list(namespace) follows adds, updates, removals and replaces (the per-namespace index)", () => {
  const store = new ObjectStore<KubernetesObject>();
  store.upsert(obj("a", "x", "1"));
  store.upsert(obj("a", "y", "1"));
  store.upsert(obj("b", "x", "1"));
  store.upsert(obj("a", "x", "2"));
  assert.deepEqual(store.list("a").map((o) => `${o.metadata!.name}@${o.metadata!.resourceVersion}`).sort(), ["x@2", "y@1"]);
  store.remove(obj("a", "y", "1"));
  assert.deepEqual(store.list("a").map((o) => o.metadata!.name), ["x"]);
  store.replace([obj("b", "x", "1"), obj("c", "z", "1")]);
  assert.deepEqual(store.list("a"), []);
  assert.deepEqual(store.list("c").map((o) => o.metadata!.name), ["z"]);
  assert.equal(store.list().length, 2);
});
