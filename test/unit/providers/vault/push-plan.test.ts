// The pure decisions of a Vault push (push-plan.ts) and the PushSecretMetadata check (push-metadata.ts), as tables.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, ProviderError } from "../../../../src/provider/errors.ts";
import { isMarked, planDelete, planPush, pushedObject, withKey } from "../../../../providers/vault/push-plan.ts";
import type { Doc } from "../../../../providers/vault/push-plan.ts";
import { parsePushMetadata } from "../../../../providers/vault/push-metadata.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("isMarked", () => {
  const cases: Array<{ name: string; given: unknown; want: boolean }> = [
    { name: "ESO's mark", given: { "managed-by": "external-secrets" }, want: true },
    { name: "the mark among other metadata", given: { team: "a", "managed-by": "external-secrets" }, want: true },
    { name: "another manager", given: { "managed-by": "terraform" }, want: false },
    { name: "no custom metadata", given: undefined, want: false },
    { name: "null custom metadata (Vault's answer for none)", given: null, want: false },
    { name: "empty", given: {}, want: false },
    { name: "a string, not a map", given: "managed-by: external-secrets", want: false },
    { name: "inherited keys do not count", given: Object.create({ "managed-by": "external-secrets" }) as unknown, want: false },
  ];
  for (const { name, given, want } of cases) it(name, () => assert.equal(isMarked(given), want));
});

describe("planPush", () => {
  type Want = { write: Doc } | "unchanged" | (new (...args: never[]) => Error);
  const cases: Array<{ name: string; current: Doc | undefined; property?: string; value: string; want: Want }> = [
    { name: "a property into a new secret", current: undefined, property: "p", value: "v", want: { write: { p: "v" } } },
    { name: "a property merged, others kept", current: { a: "1", nested: { x: 1 } }, property: "p", value: "v", want: { write: { a: "1", nested: { x: 1 }, p: "v" } } },
    { name: "the same property value: nothing to write", current: { a: "1", p: "v" }, property: "p", value: "v", want: "unchanged" },
    { name: "a changed property", current: { a: "1", p: "old" }, property: "p", value: "v", want: { write: { a: "1", p: "v" } } },
    { name: "a JSON-looking value is stored as a string under a property", current: undefined, property: "p", value: '{"x":1}', want: { write: { p: '{"x":1}' } } },
    { name: "a property holding a number is not replaced (ESO)", current: { p: 5 }, property: "p", value: "5", want: ProviderError },
    { name: "a property holding an object is not replaced (ESO)", current: { p: { x: 1 } }, property: "p", value: "v", want: ProviderError },
    { name: "a whole document into a new secret", current: undefined, value: '{"a":"1","b":{"c":[1,2]}}', want: { write: { a: "1", b: { c: [1, 2] } } } },
    { name: "an equal document in another key order and spacing: unchanged", current: { b: { c: [1, 2] }, a: "1" }, value: '{ "a" : "1", "b": {"c": [1,2]} }', want: "unchanged" },
    { name: "a document with one value changed", current: { a: "1", b: "2" }, value: '{"a":"1","b":"3"}', want: { write: { a: "1", b: "3" } } },
    { name: "a document with a key less", current: { a: "1", b: "2" }, value: '{"a":"1"}', want: { write: { a: "1" } } },
    { name: "a number is not its string", current: { a: "1" }, value: '{"a":1}', want: { write: { a: 1 } } },
    { name: "a whole value that is not JSON", current: undefined, value: "plain text", want: ConfigError },
    { name: "a whole value that is a JSON list", current: undefined, value: "[1]", want: ConfigError },
    { name: "a whole value that is JSON null", current: undefined, value: "null", want: ConfigError },
  ];
  for (const { name, current, property, value, want } of cases) {
    it(name, () => {
      const plan = () => planPush(current, { property, value: bytes(value) }, "vault key k");
      if (typeof want === "function") assert.throws(plan, want);
      else assert.deepEqual(plan(), want);
    });
  }

  it("a property named __proto__ stays a key, the prototype untouched", () => {
    const plan = planPush({ a: "1" }, { property: "__proto__", value: bytes("v") }, "vault key k");
    assert.notEqual(plan, "unchanged");
    const doc = (plan as { write: Doc }).write;
    assert.ok(Object.hasOwn(doc, "__proto__"));
    assert.equal(Object.getPrototypeOf(doc), Object.prototype);
    assert.equal(JSON.stringify(doc), '{"a":"1","__proto__":"v"}');
  });

  it("the message for a value that is not JSON never quotes it", () => {
    const value = "s3cr3t-not-json-value {";
    assert.throws(() => pushedObject(bytes(value), "vault key k"), (err: Error) => err instanceof ConfigError && /not a JSON object/.test(err.message) && !err.message.includes("s3cr3t"));
  });
});

describe("planDelete", () => {
  const cases: Array<{ name: string; current: Doc | undefined; property?: string; want: ReturnType<typeof planDelete> }> = [
    { name: "no property: the secret goes", current: { a: "1" }, want: "delete" },
    { name: "no property, no live version: the secret (its metadata) goes", current: undefined, want: "delete" },
    { name: "one property of several: the rest is written back", current: { a: "1", b: "2" }, property: "a", want: { write: { b: "2" } } },
    { name: "the last property: the secret goes (ESO)", current: { a: "1" }, property: "a", want: "delete" },
    { name: "a property that is not there: nothing to do", current: { a: "1" }, property: "b", want: "absent" },
    { name: "a property of a secret without a live version", current: undefined, property: "a", want: "absent" },
    { name: "an inherited name is not a property", current: { a: "1" }, property: "toString", want: "absent" },
  ];
  for (const { name, current, property, want } of cases) it(name, () => assert.deepEqual(planDelete(current, property), want));

  it("withKey copies", () => {
    const doc = { a: "1" };
    assert.deepEqual(withKey(doc, "b", "2"), { a: "1", b: "2" });
    assert.deepEqual(doc, { a: "1" });
  });
});

describe("parsePushMetadata", () => {
  const META = { apiVersion: "kubernetes.external-secrets.io/v1alpha1", kind: "PushSecretMetadata" };
  const cases: Array<{ name: string; given: unknown; ok: boolean }> = [
    { name: "absent", given: undefined, ok: true },
    { name: "the wrapper without spec", given: META, ok: true },
    { name: "another provider's spec (one entry, several stores)", given: { ...META, spec: { tags: { a: "b" }, secretPushFormat: "string" } }, ok: true },
    { name: "a wrong apiVersion", given: { ...META, apiVersion: "v1" }, ok: false },
    { name: "a wrong kind", given: { ...META, kind: "Secret" }, ok: false },
    { name: "no kind", given: { apiVersion: META.apiVersion }, ok: false },
    { name: "a field beside the wrapper's (ESO: DisallowUnknownFields)", given: { ...META, tags: {} }, ok: false },
    { name: "spec that is not an object", given: { ...META, spec: "x" }, ok: false },
    { name: "not an object", given: "text", ok: false },
  ];
  for (const { name, given, ok } of cases) {
    it(name, () => {
      if (ok) assert.doesNotThrow(() => parsePushMetadata(given, "app/db"));
      else assert.throws(() => parsePushMetadata(given, "app/db"), (err: Error) => err instanceof ConfigError && err.message.includes("vault key app/db") && err.message.includes("PushSecretMetadata"));
    });
  }
  it("names unknown fields, never their values", () => {
    assert.throws(
      () => parsePushMetadata({ ...META, kind: "s3cr3t-kind", extra: "s3cr3t-extra" }, "k"),
      (err: Error) => /extra/.test(err.message) && !err.message.includes("s3cr3t"),
    );
  });
});
