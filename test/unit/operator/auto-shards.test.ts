// Where automatic shards put each kind of work: ExternalSecrets by what they read (namespaced stores qualified by
// namespace), the slot index kept current through spec changes and deletes, and every kind's slot as its queue keys it.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import { ExternalSecretSlots, externalSecretShardKey, keyedSlot, slotOfObject } from "../../../src/operator/auto-shards.ts";
import { slotOf } from "../../../src/controller/shards/rendezvous.ts";

const es = (namespace: string, name: string, spec: Record<string, unknown>) => ({ metadata: { namespace, name }, spec }) as unknown as ExternalSecret;
const reads = (store: { name: string; kind?: string }, ...keys: string[]) => ({ secretStoreRef: store, data: keys.map((key, i) => ({ secretKey: `s${i}`, remoteRef: { key } })) });

test("readers of one ClusterSecretStore key share a shard key across namespaces; a namespaced store's readers only within theirs", () => {
  const cluster = { name: "vault", kind: "ClusterSecretStore" };
  assert.equal(externalSecretShardKey(es("a", "x", reads(cluster, "db"))), externalSecretShardKey(es("b", "y", reads(cluster, "db"))));
  assert.notEqual(externalSecretShardKey(es("a", "x", reads({ name: "vault" }, "db"))), externalSecretShardKey(es("b", "x", reads({ name: "vault" }, "db"))));
  assert.equal(externalSecretShardKey(es("a", "x", reads({ name: "vault" }, "db", "api"))), externalSecretShardKey(es("a", "y", reads({ name: "vault" }, "api"))), "the first read in sort order decides");
});

test("the slot index follows spec changes and falls back to the key's own slot after a delete", () => {
  const slots = new ExternalSecretSlots(1024);
  const before = es("a", "x", reads({ name: "vault" }, "db"));
  slots.set(before);
  const first = slots.slot("a/x");
  assert.equal(first, slotOf(externalSecretShardKey(before), 1024));
  assert.deepEqual(slots.keysIn(new Set([first])), ["a/x"]);
  const moved = es("a", "x", reads({ name: "vault" }, "other-key-entirely"));
  slots.set(moved);
  assert.equal(slots.slot("a/x"), slotOf(externalSecretShardKey(moved), 1024));
  slots.remove(moved);
  assert.equal(slots.slot("a/x"), slotOf("ExternalSecret:a/x", 1024));
  assert.deepEqual(slots.keysIn(new Set(Array.from({ length: 1024 }, (_, i) => i))), []);
});

test("every kind's slot is the one its controller's gate uses", () => {
  const slots = new ExternalSecretSlots(1024);
  const object = slotOfObject(1024, slots);
  assert.equal(object("SecretStore", { metadata: { namespace: "a", name: "vault" } }), keyedSlot("store", 1024)("SecretStore/a/vault"));
  assert.equal(object("ClusterSecretStore", { metadata: { name: "vault" } }), keyedSlot("store", 1024)("ClusterSecretStore//vault"));
  assert.equal(object("PushSecret", { metadata: { namespace: "a", name: "p" } }), keyedSlot("PushSecret", 1024)("a/p"));
  assert.equal(object("ClusterExternalSecret", { metadata: { name: "c" } }), keyedSlot("ClusterExternalSecret", 1024)("c"));
  const reader = es("a", "x", reads({ name: "vault" }, "db"));
  slots.set(reader);
  assert.equal(object("ExternalSecret", reader), slots.slot("a/x"));
});
