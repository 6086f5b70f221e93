import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cesStatus, MAX_NAMED, NAMESPACES_FAILED } from "../../../../src/reconcilers/cluster-external-secret/status.ts";

describe("ClusterExternalSecret status", () => {
  test("all provisioned and no child failing: Ready=True, sorted namespaces, no empty lists", () => {
    const status = cesStatus({ externalSecretName: "x", provisioned: ["b", "a"], failed: [], notReady: [] }, undefined);
    assert.deepEqual(status, { externalSecretName: "x", provisionedNamespaces: ["a", "b"], conditions: [{ type: "Ready", status: "True", reason: "Provisioned" }] });
  });

  test("failed namespaces: Ready=False with ESO's message, failures sorted", () => {
    const status = cesStatus({ externalSecretName: "x", provisioned: ["a"], failed: [{ namespace: "z", reason: "r1" }, { namespace: "c", reason: "r2" }], notReady: [] }, undefined);
    assert.deepEqual(status.failedNamespaces?.map((f) => f.namespace), ["c", "z"]);
    assert.deepEqual(status.conditions, [{ type: "Ready", status: "False", reason: "NamespacesFailed", message: NAMESPACES_FAILED }]);
  });

  test("children reporting Ready=False roll up, naming a bounded list of namespaces", () => {
    const notReady = Array.from({ length: MAX_NAMED + 5 }, (_, i) => `ns-${String(i).padStart(2, "0")}`);
    const status = cesStatus({ externalSecretName: "x", provisioned: notReady, failed: [], notReady }, undefined);
    const ready = status.conditions?.[0];
    assert.equal(ready?.status, "False");
    assert.equal(ready?.reason, "ExternalSecretsNotReady");
    assert.match(ready?.message ?? "", /not ready in 15 of 15 namespaces: ns-00, .*ns-09 \(and 5 more\)$/);
    assert.ok(!ready?.message?.includes("ns-10"));
  });

  test("other condition types are kept; the same input gives the same status (no write at rest)", () => {
    const previous = { conditions: [{ type: "Other", status: "True" as const }] };
    const a = cesStatus({ externalSecretName: "x", provisioned: ["a"], failed: [], notReady: [] }, previous);
    const b = cesStatus({ externalSecretName: "x", provisioned: ["a"], failed: [], notReady: [] }, a);
    assert.deepEqual(a, b);
    assert.deepEqual(a.conditions?.map((c) => c.type), ["Other", "Ready"]);
  });

  test("outside this replica's shard: Ready=False NotInShard with the reason, nothing provisioned", () => {
    const status = cesStatus({ externalSecretName: "x", provisioned: [], failed: [], notReady: [], notInShard: "why" }, undefined);
    assert.deepEqual(status, { externalSecretName: "x", conditions: [{ type: "Ready", status: "False", reason: "NotInShard", message: "why" }] });
  });
});
