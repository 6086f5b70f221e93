// ClusterPushSecret planning and status: ESO's behaviour (name, metadata, ownership, foreign PushSecrets, renames,
// namespaces leaving the selection) over the shared fan-out plan, and a status stable at rest.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ClusterPushSecret } from "../../../../src/api/cluster-push-secret.ts";
import type { PushSecret } from "../../../../src/api/push-secret.ts";
import { controllingCps, desiredPushSecret } from "../../../../src/reconcilers/cluster-push-secret/children.ts";
import { FOREIGN_PUSH_SECRET, planPushSecrets } from "../../../../src/reconcilers/cluster-push-secret/plan.ts";
import { cpsStatus } from "../../../../src/reconcilers/cluster-push-secret/status.ts";
import type { NamespaceInfo } from "../../../../src/reconcilers/fan-out/selection.ts";

const spec = { secretStoreRefs: [{ name: "vault", kind: "ClusterSecretStore" as const }], selector: { secret: { name: "creds" } }, data: [{ match: { secretKey: "k", remoteRef: { remoteKey: "shared/k" } } }] };

function cps(over: Partial<ClusterPushSecret["spec"]> = {}, meta: Partial<ClusterPushSecret["metadata"]> = {}): ClusterPushSecret {
  return { metadata: { name: "fan", uid: "uid-1", ...meta }, spec: { pushSecretSpec: spec, namespaceSelectors: [{ matchLabels: { team: "a" } }], ...over } };
}
const ns = (name: string, labels: Record<string, string> = {}, extra: Partial<NamespaceInfo> = {}): NamespaceInfo => ({ name, labels, terminating: false, ...extra });
const at = (ps: PushSecret) => `${ps.metadata.namespace}/${ps.metadata.name}`;

function plan(c: ClusterPushSecret, namespaces: NamespaceInfo[], existing: PushSecret[] = []) {
  return planPushSecrets({
    cps: c,
    namespaces,
    existing: (namespace, name) => existing.find((ps) => ps.metadata.namespace === namespace && ps.metadata.name === name),
    children: existing.filter((ps) => controllingCps(ps) === c.metadata.name),
  });
}

describe("planPushSecrets", () => {
  const cases: Array<{ name: string; given: { cps: ClusterPushSecret; namespaces: NamespaceInfo[] }; want: string[] }> = [
    { name: "one PushSecret per namespace matched, named after the ClusterPushSecret", given: { cps: cps(), namespaces: [ns("a1", { team: "a" }), ns("a2", { team: "a" }), ns("b1", { team: "b" })] }, want: ["a1/fan", "a2/fan"] },
    { name: "pushSecretName names them", given: { cps: cps({ pushSecretName: "pushed" }), namespaces: [ns("a1", { team: "a" })] }, want: ["a1/pushed"] },
    {
      name: "selectors are ORed",
      given: { cps: cps({ namespaceSelectors: [{ matchLabels: { team: "a" } }, { matchExpressions: [{ key: "env", operator: "In", values: ["prod"] }] }] }), namespaces: [ns("a1", { team: "a" }), ns("p1", { env: "prod" }), ns("d1", { env: "dev" })] },
      want: ["a1/fan", "p1/fan"],
    },
    { name: "no selectors select nothing", given: { cps: cps({ namespaceSelectors: [] }), namespaces: [ns("a1", { team: "a" })] }, want: [] },
    { name: "a terminating namespace gets none", given: { cps: cps(), namespaces: [ns("a1", { team: "a" }, { terminating: true })] }, want: [] },
  ];
  for (const { name, given, want } of cases) {
    test(name, () => {
      const p = plan(given.cps, given.namespaces);
      assert.deepEqual(p.create.map(at), want);
      assert.deepEqual(p.covered, want.map((w) => w.split("/")[0]));
    });
  }

  test("the child: spec copied, labels and annotations from pushSecretMetadata, a controller reference (v1alpha1)", () => {
    const c = cps({ pushSecretMetadata: { labels: { l: "1" }, annotations: { a: "2" } } }, { labels: { "not-copied": "x" } });
    const child = plan(c, [ns("a1", { team: "a" })]).create[0]!;
    assert.equal(child.apiVersion, "external-secrets.io/v1alpha1");
    assert.equal(child.kind, "PushSecret");
    assert.deepEqual(child.spec, spec);
    assert.deepEqual(child.metadata.labels, { l: "1" });
    assert.deepEqual(child.metadata.annotations, { a: "2" });
    assert.deepEqual(child.metadata.ownerReferences, [{ apiVersion: "external-secrets.io/v1alpha1", kind: "ClusterPushSecret", name: "fan", uid: "uid-1", controller: true, blockOwnerDeletion: true }]);
  });

  test("a current child needs no write, whatever the key order or the PushSecret controller's finalizer; an edited one is put back", () => {
    const c = cps();
    const current = desiredPushSecret(c, "a1");
    current.metadata = { ...current.metadata, uid: "child", resourceVersion: "7", finalizers: ["pushsecret.externalsecrets.io/finalizer"] };
    const reordered: PushSecret = { ...current, spec: { data: spec.data, selector: spec.selector, secretStoreRefs: spec.secretStoreRefs } };
    assert.equal(plan(c, [ns("a1", { team: "a" })], [reordered]).update.length, 0);
    const edited: PushSecret = { ...current, spec: { ...spec, deletionPolicy: "Delete" }, metadata: { ...current.metadata, labels: { added: "by-hand" } } };
    const p = plan(c, [ns("a1", { team: "a" })], [edited]);
    assert.equal(p.update.length, 1);
    const update = p.update[0]!;
    assert.deepEqual(update.spec, spec);
    assert.equal(update.metadata.labels, undefined);
    assert.equal(update.metadata.resourceVersion, "7", "the replace carries the cached resourceVersion");
    assert.deepEqual(update.metadata.finalizers, ["pushsecret.externalsecrets.io/finalizer"], "the PushSecret controller's finalizer is kept");
  });

  test("a PushSecret of that name it does not control is left alone and reported with ESO's reason", () => {
    const foreign: PushSecret = { metadata: { name: "fan", namespace: "a1" }, spec };
    const otherCps: PushSecret = { metadata: { name: "fan", namespace: "a2", ownerReferences: [{ apiVersion: "external-secrets.io/v1alpha1", kind: "ClusterPushSecret", name: "other", uid: "u", controller: true }] }, spec };
    const ces: PushSecret = { metadata: { name: "fan", namespace: "a3", ownerReferences: [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "fan", uid: "u", controller: true }] }, spec };
    const p = plan(cps(), [ns("a1", { team: "a" }), ns("a2", { team: "a" }), ns("a3", { team: "a" })], [foreign, otherCps, ces]);
    assert.deepEqual(p.foreign, ["a1", "a2", "a3"]);
    assert.equal(p.create.length + p.update.length + p.remove.length, 0);
    assert.equal(FOREIGN_PUSH_SECRET, "push secret already exists in namespace");
  });

  test("children in namespaces no longer selected, or under an old name (a rename), are deleted", () => {
    const inB = { ...desiredPushSecret(cps(), "b1"), metadata: { ...desiredPushSecret(cps(), "b1").metadata, uid: "x" } };
    const oldName = desiredPushSecret(cps(), "a1");
    const p = plan(cps({ pushSecretName: "renamed" }), [ns("a1", { team: "a" }), ns("b1", { team: "b" })], [inB, oldName]);
    assert.deepEqual(p.remove.map(at).sort(), ["a1/fan", "b1/fan"]);
    assert.deepEqual(p.create.map(at), ["a1/renamed"]);
    assert.deepEqual(p.releaseFinalizer, [], "ClusterPushSecrets have no ESO namespace finalizers");
  });
});

describe("ClusterPushSecret status", () => {
  const cases: Array<{ name: string; given: Parameters<typeof cpsStatus>[0]; want: ReturnType<typeof cpsStatus> }> = [
    {
      name: "all provisioned: Ready=True, namespaces sorted, no empty lists",
      given: { pushSecretName: "p", provisioned: ["b", "a"], failed: [], notReady: [] },
      want: { pushSecretName: "p", provisionedNamespaces: ["a", "b"], conditions: [{ type: "Ready", status: "True", reason: "Provisioned" }] },
    },
    {
      name: "failed namespaces: Ready=False with ESO's message, failures sorted",
      given: { pushSecretName: "p", provisioned: ["a"], failed: [{ namespace: "z", reason: "r1" }, { namespace: "c", reason: FOREIGN_PUSH_SECRET }], notReady: [] },
      want: {
        pushSecretName: "p",
        provisionedNamespaces: ["a"],
        failedNamespaces: [{ namespace: "c", reason: FOREIGN_PUSH_SECRET }, { namespace: "z", reason: "r1" }],
        conditions: [{ type: "Ready", status: "False", reason: "NamespacesFailed", message: "one or more namespaces failed" }],
      },
    },
    {
      name: "PushSecrets reporting Ready=False roll up",
      given: { pushSecretName: "p", provisioned: ["a", "b"], failed: [], notReady: ["b"] },
      want: { pushSecretName: "p", provisionedNamespaces: ["a", "b"], conditions: [{ type: "Ready", status: "False", reason: "PushSecretsNotReady", message: "PushSecret p is not ready in 1 of 2 namespaces: b" }] },
    },
  ];
  for (const { name, given, want } of cases) test(name, () => assert.deepEqual(cpsStatus(given, undefined), want));

  test("the same input gives the same status (no write at rest)", () => {
    const input = { pushSecretName: "p", provisioned: ["a"], failed: [], notReady: [] };
    const first = cpsStatus(input, undefined);
    assert.deepEqual(cpsStatus(input, first), first);
  });
});
