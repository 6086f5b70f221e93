import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterExternalSecret } from "../../../../src/api/cluster-external-secret.ts";
import type { ExternalSecret } from "../../../../src/api/external-secret.ts";
import { childCurrent, controllingCes, desiredChild } from "../../../../src/reconcilers/cluster-external-secret/children.ts";
import { FOREIGN_CHILD, planChildren } from "../../../../src/reconcilers/cluster-external-secret/plan.ts";
import { covers, matchesNamespace } from "../../../../src/reconcilers/fan-out/selection.ts";
import type { NamespaceInfo } from "../../../../src/reconcilers/fan-out/selection.ts";

const spec = { secretStoreRef: { name: "vault", kind: "ClusterSecretStore" as const }, data: [{ secretKey: "k", remoteRef: { key: "shared/k" } }] };

function ces(over: Partial<ClusterExternalSecret["spec"]> = {}, meta: Partial<ClusterExternalSecret["metadata"]> = {}): ClusterExternalSecret {
  return { metadata: { name: "shared", uid: "uid-1", ...meta }, spec: { externalSecretSpec: spec, namespaceSelectors: [{ matchLabels: { team: "a" } }], ...over } };
}
const ns = (name: string, labels: Record<string, string> = {}, extra: Partial<NamespaceInfo> = {}): NamespaceInfo => ({ name, labels, terminating: false, ...extra });

/** The plan for `c` over `namespaces`, with `existing` ExternalSecrets in the cluster. */
function plan(c: ClusterExternalSecret, namespaces: NamespaceInfo[], existing: ExternalSecret[] = []) {
  return planChildren({
    ces: c,
    namespaces,
    existing: (namespace, name) => existing.find((es) => es.metadata.namespace === namespace && es.metadata.name === name),
    children: existing.filter((es) => controllingCes(es) === c.metadata.name),
  });
}

describe("namespace selection", () => {
  test("selectors are ORed with the deprecated selector and the deprecated names", () => {
    const s = { namespaceSelector: { matchLabels: { old: "yes" } }, namespaceSelectors: [{ matchLabels: { team: "a" } }, { matchExpressions: [{ key: "env", operator: "In" as const, values: ["prod"] }] }], namespaces: ["by-name"] };
    assert.equal(matchesNamespace(s, { name: "x", labels: { old: "yes" } }), true);
    assert.equal(matchesNamespace(s, { name: "x", labels: { team: "a" } }), true);
    assert.equal(matchesNamespace(s, { name: "x", labels: { env: "prod" } }), true);
    assert.equal(matchesNamespace(s, { name: "by-name", labels: {} }), true);
    assert.equal(matchesNamespace(s, { name: "x", labels: { team: "b", env: "dev" } }), false);
  });

  test("no selector and no names select nothing; an empty selector selects every namespace", () => {
    assert.equal(matchesNamespace({}, { name: "x", labels: { a: "b" } }), false);
    assert.equal(matchesNamespace({ namespaceSelectors: [{}] }, { name: "x" }), true);
  });

  test("a terminating namespace is covered by nobody", () => {
    assert.equal(covers({ namespaces: ["x"] }, ns("x", {}, { terminating: true })), false);
  });
});

describe("planChildren", () => {
  test("creates one child per covered namespace, owned by the ClusterExternalSecret, spec copied", () => {
    const p = plan(ces(), [ns("a1", { team: "a" }), ns("a2", { team: "a" }), ns("b1", { team: "b" })]);
    assert.deepEqual(p.create.map((es) => es.metadata.namespace), ["a1", "a2"]);
    assert.deepEqual(p.covered, ["a1", "a2"]);
    const child = p.create[0]!;
    assert.equal(child.metadata.name, "shared");
    assert.deepEqual(child.spec, spec);
    assert.deepEqual(child.metadata.ownerReferences, [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "shared", uid: "uid-1", controller: true, blockOwnerDeletion: true }]);
  });

  test("externalSecretName and externalSecretMetadata shape the child; force-sync is copied from the ClusterExternalSecret", () => {
    const c = ces({ externalSecretName: "pull-secret", externalSecretMetadata: { labels: { l: "1" }, annotations: { a: "2" } } }, { annotations: { "external-secrets.io/force-sync": "123", unrelated: "x" } });
    const child = plan(c, [ns("a1", { team: "a" })]).create[0]!;
    assert.equal(child.metadata.name, "pull-secret");
    assert.deepEqual(child.metadata.labels, { l: "1" });
    assert.deepEqual(child.metadata.annotations, { a: "2", "external-secrets.io/force-sync": "123" });
  });

  test("a current child (as ESO makes it) needs no write; a drifted one is updated", () => {
    const c = ces();
    const current = desiredChild(c, "a1", undefined);
    current.metadata = { ...current.metadata, uid: "child", resourceVersion: "7" };
    assert.equal(plan(c, [ns("a1", { team: "a" })], [current]).update.length, 0);
    const drifted: ExternalSecret = { ...current, metadata: { ...current.metadata, labels: { added: "by-hand" } } };
    const p = plan(c, [ns("a1", { team: "a" })], [drifted]);
    assert.equal(p.update.length, 1);
    assert.equal(p.update[0]!.metadata.labels, undefined, "labels are replaced by externalSecretMetadata, as ESO does");
    assert.equal(p.update[0]!.metadata.resourceVersion, "7", "the update carries the cached resourceVersion");
  });

  test("spec comparison ignores key order", () => {
    const c = ces();
    const child = desiredChild(c, "a1");
    const reordered: ExternalSecret = { ...child, spec: { data: spec.data, secretStoreRef: { kind: "ClusterSecretStore", name: "vault" } } };
    assert.equal(childCurrent(reordered, desiredChild(c, "a1", reordered)), true);
  });

  test("an ExternalSecret of that name it does not control is left alone and reported", () => {
    const foreign: ExternalSecret = { metadata: { name: "shared", namespace: "a1" }, spec };
    const otherCes: ExternalSecret = { metadata: { name: "shared", namespace: "a2", ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "other", uid: "u", controller: true }] }, spec };
    const p = plan(ces(), [ns("a1", { team: "a" }), ns("a2", { team: "a" })], [foreign, otherCes]);
    assert.deepEqual(p.foreign, ["a1", "a2"]);
    assert.equal(p.create.length + p.update.length + p.remove.length, 0);
    assert.equal(FOREIGN_CHILD, "external secret already exists in namespace");
  });

  test("children in namespaces no longer covered, or under an old name, are removed", () => {
    const c = ces({ externalSecretName: "new-name" });
    const inB = { ...desiredChild(ces(), "b1"), metadata: { ...desiredChild(ces(), "b1").metadata, uid: "x" } };
    const oldName = desiredChild(ces(), "a1");
    const p = plan(c, [ns("a1", { team: "a" }), ns("b1", { team: "b" })], [inB, oldName]);
    assert.deepEqual(p.remove.map((es) => `${es.metadata.namespace}/${es.metadata.name}`).sort(), ["a1/shared", "b1/shared"]);
    assert.deepEqual(p.create.map((es) => `${es.metadata.namespace}/${es.metadata.name}`), ["a1/new-name"]);
  });

  test("ESO's namespace finalizer is released where the namespace is no longer covered, kept where it is", () => {
    const f = "externalsecrets.external-secrets.io/ces-shared";
    const p = plan(ces(), [ns("a1", { team: "a" }, { finalizers: [f] }), ns("gone", { team: "a" }, { terminating: true, finalizers: [f] }), ns("b1", {}, { finalizers: [f, "other"] })]);
    assert.deepEqual(p.releaseFinalizer.sort(), ["b1", "gone"]);
  });
});
