// What a replica keeps of the ExternalSecrets of other replicas' slots: everything that says where they belong and
// whom they concern (slot, stores, target, restart targets, conditions), none of their templates or status.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ExternalSecret } from "../../../src/api/external-secret.ts";
import { isSlim, mayBeSlimmed, slimExternalSecret } from "../../../src/operator/slim-external-secret.ts";
import { refreshGroup, storeRefsOf } from "../../../src/reconcilers/external-secret/refresh.ts";
import { resolvedTarget } from "../../../src/api/defaults.ts";
import { manifestKind } from "../../../src/api/manifest-target.ts";
import { externalSecretShardKey } from "../../../src/operator/auto-shards.ts";
import { ObjectStore } from "../../../src/controller/object-store.ts";
import type { KubernetesObject } from "@kubernetes/client-node";

const full = (): ExternalSecret =>
  ({
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    metadata: { name: "app", namespace: "team-a", resourceVersion: "7", generation: 3, labels: { l: "1" }, annotations: { "force-sync": "1", "kubectl.kubernetes.io/last-applied-configuration": "{...a whole copy...}" } },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { name: "vault", kind: "ClusterSecretStore" },
      target: { name: "app-secret", creationPolicy: "Owner", template: { data: { big: "{{ .x }}".repeat(100) } }, rolloutRestartTargets: [{ kind: "Deployment", name: "app" }], manifest: { apiVersion: "v1", kind: "ConfigMap" } },
      data: [{ secretKey: "x", remoteRef: { key: "db/password", property: "p", version: "3" }, sourceRef: { storeRef: { name: "other", kind: "SecretStore" } } }],
      dataFrom: [{ extract: { key: "db/all", property: "q" } }, { find: { name: { regexp: "^app" } } }, { sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "Password", name: "pw" } } }],
    },
    status: { refreshTime: "2026-12-04T00:00:00Z", syncedResourceVersion: "3-abc", binding: { name: "app-secret" }, conditions: [{ type: "Ready", status: "True", reason: "SecretSynced" }] },
  }) as unknown as ExternalSecret;

test("a reduced ExternalSecret keeps its slot, stores, target, restart targets and conditions", () => {
  const es = full();
  const before = { slot: externalSecretShardKey(es), group: refreshGroup(es), stores: storeRefsOf(es), target: resolvedTarget(es).name, kind: manifestKind(es) };
  slimExternalSecret(es);
  assert.ok(isSlim(es));
  assert.deepEqual({ slot: externalSecretShardKey(es), group: refreshGroup(es), stores: storeRefsOf(es), target: resolvedTarget(es).name, kind: manifestKind(es) }, before);
  assert.deepEqual(es.spec.target?.rolloutRestartTargets, [{ kind: "Deployment", name: "app" }]);
  assert.deepEqual(es.status, { conditions: [{ type: "Ready", status: "True", reason: "SecretSynced" }] });
  assert.equal(es.spec.target?.template, undefined);
  assert.equal(es.spec.data?.[0]?.remoteRef.property, undefined);
  assert.deepEqual(es.metadata.annotations, { "force-sync": "1" }, "kubectl's copy of the whole object goes");
  assert.ok(JSON.stringify(es).length < JSON.stringify(full()).length / 2);
});

test("a ClusterExternalSecret's child stays whole (its owner compares the whole spec)", () => {
  const es = full();
  es.metadata.ownerReferences = [{ apiVersion: "external-secrets.io/v1", kind: "ClusterExternalSecret", name: "fan", uid: "u", controller: true }];
  assert.equal(mayBeSlimmed(es), false);
  slimExternalSecret(es);
  assert.equal(isSlim(es), false);
  assert.ok(es.spec.target?.template);
});

test("the cache swaps a reduced object for a whole copy of the same version only, silently", () => {
  const store = new ObjectStore<KubernetesObject>();
  const reduced = full();
  slimExternalSecret(reduced);
  store.upsert(reduced as never);
  const newer = full();
  newer.metadata.resourceVersion = "8";
  assert.equal(store.swapSameVersion(newer as never, isSlim), false, "another version is the watch's to bring");
  const whole = full();
  assert.equal(store.swapSameVersion(whole as never, isSlim), true);
  assert.equal(store.get("app", "team-a"), whole);
  assert.equal(store.list("team-a").length, 1);
  assert.equal(store.swapSameVersion(full() as never, isSlim), false, "a whole cached object stays");
});
