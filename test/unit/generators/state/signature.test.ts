// The signature that lets cleanup trust a GeneratorState found in a tenant namespace: it covers the namespace, the
// owner, the generator snapshot and the state; the apiserver's key reordering does not break it; any edit does.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { SIGNATURE_ANNOTATION, type GeneratorState } from "../../../../src/api/generator-state.ts";
import { canonicalJson, sign, verify } from "../../../../src/generators/state/signature.ts";

const key = randomBytes(32);
const state = (): GeneratorState => ({
  apiVersion: "generators.external-secrets.io/v1alpha1",
  kind: "GeneratorState",
  metadata: {
    name: "gen-externalsecret-app-abcde",
    namespace: "team-a",
    labels: { "generators.external-secrets.io/owner-key": "k1" },
    ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", name: "app", uid: "u-1" }],
  },
  spec: {
    resource: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "ClusterGenerator", metadata: { name: "tokens" }, spec: { kind: "VaultDynamicSecret", generator: { vaultDynamicSecretSpec: { path: "auth/token/create", parameters: { ttl: "30m", n: 3 } } } } },
    state: { accessor: "acc-1" },
  },
});
const signed = (s = state()) => {
  s.metadata.annotations = { [SIGNATURE_ANNOTATION]: sign(key, s) };
  return s;
};

describe("GeneratorState signature", () => {
  test("what this key signed verifies; with another key it is another installation's", () => {
    assert.equal(verify(key, signed()), "valid");
    assert.equal(verify(randomBytes(32), signed()), "other-key");
  });

  test("an unsigned or malformed signature is invalid", () => {
    assert.equal(verify(key, state()), "invalid");
    for (const text of ["", "v1", "v1:abc:def", "v2:0123456789abcdef:" + "0".repeat(64), `v1:${"g".repeat(16)}:${"0".repeat(64)}`]) {
      const s = state();
      s.metadata.annotations = { [SIGNATURE_ANNOTATION]: text };
      assert.equal(verify(key, s), "invalid", text);
    }
  });

  test("any edit of what it covers breaks it: namespace, owner, owner key, resource, state", () => {
    const edits: Array<(s: GeneratorState) => void> = [
      (s) => (s.metadata.namespace = "team-b"),
      (s) => (s.metadata.ownerReferences![0]!.uid = "u-2"),
      (s) => (s.metadata.ownerReferences![0]!.name = "other"),
      (s) => (s.metadata.labels!["generators.external-secrets.io/owner-key"] = "k2"),
      (s) => ((s.spec.resource.metadata as { name: string }).name = "platform"),
      (s) => (s.spec.resource.kind = "VaultDynamicSecret"),
      (s) => (s.spec.state = { accessor: "acc-victim" }),
      (s) => (s.spec.state = { accessor: "acc-1", leaseId: "x" }),
    ];
    for (const edit of edits) {
      const s = signed();
      edit(s);
      assert.equal(verify(key, s), "invalid", edit.toString());
    }
  });

  test("not covered: the deadline and the name (the tenant may only hasten its own cleanup)", () => {
    const s = signed();
    s.spec.garbageCollectionDeadline = "2026-01-01T00:00:00Z";
    s.metadata.name = "renamed";
    assert.equal(verify(key, s), "valid");
  });

  test("the apiserver's re-encoding (keys sorted at every level) keeps it valid", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const s = state();
        s.spec.resource.spec = value;
        const mark = sign(key, s);
        const reordered = JSON.parse(canonicalJson(JSON.parse(JSON.stringify(s))));
        reordered.metadata.annotations = { [SIGNATURE_ANNOTATION]: mark };
        return verify(key, reordered) === "valid";
      }),
    );
  });

  test("canonical JSON sorts keys and drops undefined and null members (array items stay)", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, null, { z: 1, y: 2 }], c: undefined, e: null } }), '{"a":{"d":[2,null,{"y":2,"z":1}]},"b":1}');
  });
});
