// The PushSecret plan, table by table: explicit data, dataTo per key (regexp, rewrite) and bundled, explicit entries
// winning over dataTo for one source key, ESO's conflict errors, ReverseUnicode, store targeting by name and labels.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PushSecretSpec } from "../../../../src/api/push-secret.ts";
import { ConfigError } from "../../../../src/provider/errors.ts";
import { planForStore, statusKeyOf, validateDataToRefs, validateDataToSelectors } from "../../../../src/reconcilers/push-secret/plan.ts";
import { reverseKey, reverseKeys } from "../../../../src/reconcilers/push-secret/conversion.ts";
import { mergeSynced } from "../../../../src/reconcilers/push-secret/reconciler.ts";

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const source = { DB_HOST: bytes("h"), DB_USER: bytes("u"), OTHER: bytes("o") };
const store = { kind: "SecretStore" as const, name: "vault", labels: { tier: "a" } };
const spec = (over: Partial<PushSecretSpec>): PushSecretSpec => ({ secretStoreRefs: [{ name: "vault" }], selector: { secret: { name: "s" } }, ...over });
const summary = async (given: PushSecretSpec, data: Record<string, Uint8Array> = source) =>
  (await planForStore(given, store, data, "ns/ps")).map((p) => `${p.statusKey}<-${p.request.secretKey}`);

describe("PushSecret plan", () => {
  it("explicit data: one entry per item, status key with the property", async () => {
    assert.deepEqual(await summary(spec({ data: [{ match: { secretKey: "DB_HOST", remoteRef: { remoteKey: "app", property: "host" } } }, { match: { remoteRef: { remoteKey: "all" } } }] })), ["app/host<-DB_HOST", "all<-"]);
  });

  it("dataTo per key: regexp selects, rewrites rename, sorted", async () => {
    const given = spec({ dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "^DB_" }, rewrite: [{ regexp: { source: "^DB_", target: "db/" } }] }] });
    assert.deepEqual(await summary(given), ["db/HOST<-DB_HOST", "db/USER<-DB_USER"]);
  });

  it("dataTo bundle: the matched keys only, as one whole-Secret entry", async () => {
    const [entry] = await planForStore(spec({ dataTo: [{ storeRef: { name: "vault" }, remoteKey: "bundle", match: { regexp: "^DB_" } }] }), store, source, "ns/ps");
    assert.equal(entry!.statusKey, "bundle");
    assert.deepEqual(Object.keys(entry!.request.data).sort(), ["DB_HOST", "DB_USER"]);
  });

  it("explicit data wins over dataTo for the same source key", async () => {
    const given = spec({ data: [{ match: { secretKey: "DB_HOST", remoteRef: { remoteKey: "explicit" } } }], dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "^DB_" } }] });
    assert.deepEqual(await summary(given), ["DB_USER<-DB_USER", "explicit<-DB_HOST"]);
  });

  it("a dataTo aimed at another store (name or labels) adds nothing here", async () => {
    assert.deepEqual(await summary(spec({ dataTo: [{ storeRef: { name: "other" } }, { storeRef: { labelSelector: { matchLabels: { tier: "b" } } } }, { storeRef: { name: "vault", kind: "ClusterSecretStore" } }] })), []);
    assert.deepEqual(await summary(spec({ dataTo: [{ storeRef: { labelSelector: { matchLabels: { tier: "a" } } }, match: { regexp: "OTHER" } }] })), ["OTHER<-OTHER"]);
  });

  const errors: Array<[string, PushSecretSpec, RegExp]> = [
    ["two entries to one remote location", spec({ data: [{ match: { secretKey: "DB_HOST", remoteRef: { remoteKey: "x" } } }, { match: { secretKey: "DB_USER", remoteRef: { remoteKey: "x" } } }] }), /duplicate remote key "x"/],
    ["a rewrite mapping two keys to one", spec({ dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "^DB_" } }, { storeRef: { name: "vault" }, match: { regexp: "^DB_HOST$" } }] }), /dataTo\[1\]: duplicate remote key "DB_HOST"/],
    ["an empty remote key", spec({ dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "^OTHER$" }, rewrite: [{ regexp: { source: ".*", target: "" } }] }] }), /empty remote key/],
    ["a missing source key", spec({ data: [{ match: { secretKey: "nope", remoteRef: { remoteKey: "x" } } }] }), /secret key nope does not exist/],
    ["__proto__ is a key like any other (absent here)", spec({ data: [{ match: { secretKey: "__proto__", remoteRef: { remoteKey: "x" } } }] }), /secret key __proto__ does not exist/],
    ["a pattern Go rejects", spec({ dataTo: [{ storeRef: { name: "vault" }, match: { regexp: "(?=x)" } }] }), /dataTo\[0\]\.match\.regexp: error parsing regexp/],
  ];
  for (const [name, given, message] of errors) {
    it(`refuses ${name}`, async () => {
      await assert.rejects(planForStore(given, store, source, "ns/ps"), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    });
  }

  it("validates dataTo store references before any store is read", () => {
    assert.throws(() => validateDataToRefs(spec({ dataTo: [{}] })), /dataTo\[0\]: storeRef is required/);
    assert.throws(() => validateDataToRefs(spec({ dataTo: [{ storeRef: {} }] })), /storeRef must have name or labelSelector/);
    assert.throws(() => validateDataToRefs(spec({ dataTo: [{ storeRef: { name: "vault", kind: "ClusterSecretStore" } }] })), /storeRef "vault" not found in secretStoreRefs/);
    assert.throws(() => validateDataToSelectors(spec({ dataTo: [{ storeRef: { labelSelector: { matchLabels: { tier: "z" } } } }] }), [store]), /labelSelector does not match any store/);
  });

  it("ReverseUnicode: _UXXXX_ back to characters, collisions refused, Go's U+FFFD for surrogates", () => {
    assert.equal(reverseKey("ReverseUnicode", "a_U0040_b_U1f600_"), "a@b😀");
    assert.equal(reverseKey("ReverseUnicode", "x_Ud800_"), "x\uFFFD");
    assert.equal(reverseKey("None", "a_U0040_b"), "a_U0040_b");
    assert.throws(() => reverseKeys("ReverseUnicode", { "a_U0040_": bytes("1"), "a@": bytes("2") }, "here"), /collision/);
    const converted = reverseKeys("ReverseUnicode", { __proto__x: bytes("1") }, "here");
    assert.deepEqual(Object.keys(converted), ["__proto__x"]);
  });

  it("statusKeyOf and mergeSynced follow ESO", () => {
    assert.equal(statusKeyOf({ match: { remoteRef: { remoteKey: "a", property: "p" } } }), "a/p");
    const entry = { match: { remoteRef: { remoteKey: "a" } } };
    assert.deepEqual(mergeSynced({ "SecretStore/x": { a: entry } }, { "SecretStore/x": { b: entry }, "SecretStore/y": { c: entry } }), { "SecretStore/x": { b: entry, a: entry }, "SecretStore/y": { c: entry } });
  });
});
