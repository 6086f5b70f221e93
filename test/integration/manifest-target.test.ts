// target.manifest on the real apiserver: ExternalSecrets render into ConfigMaps and a custom resource (ESO 2.9's
// "Targeting Custom Resources" examples), own them, correct drift from the watch, merge into an existing object;
// hostile specs next to them fail alone with one Warning each, and no value leaks. Without
// --unsafe-allow-generic-targets nothing is rendered.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiextensionsV1Api, KubernetesObjectApi, type KubernetesObject, type V1ConfigMap } from "@kubernetes/client-node";
import { CASCADE_TIMEOUT_MS, freshNamespace, kubeConfig, operatorKubeConfig } from "../helpers/bench.ts";
import { kube, ready, startTestOperator, waitFor, waitForGone, waitForReady, type TestOperator } from "../helpers/operator.ts";
import { leakForms, planted } from "../helpers/planted.ts";
import { installCrds } from "../../src/kube/apply.ts";
import { LABEL_MANAGED } from "../../src/api/markers.ts";

const GROUP = "config.secrets-bridge.test";
const appConfigCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `appconfigs.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "appconfigs", singular: "appconfig", kind: "AppConfig", listKind: "AppConfigList" },
    versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } } } } }],
  },
};

describe("target.manifest (ConfigMaps and custom resources)", () => {
  let ns: string;
  let offNs: string;
  let op: TestOperator;
  let off: TestOperator;
  const k = kube();
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig());
  const password = planted("manifest-db-password");
  const host = planted("manifest-db-host");
  const configMap = async (name: string, namespace = ns): Promise<V1ConfigMap | undefined> => {
    try {
      return await k.core.readNamespacedConfigMap({ name, namespace });
    } catch (err) {
      if ((err as { code?: number }).code === 404) return undefined;
      throw err;
    }
  };
  const es = (name: string, target: Record<string, unknown>, data = [{ secretKey: "dbHost", remoteRef: { key: "host" } }, { secretKey: "dbPassword", remoteRef: { key: "password" } }]) =>
    k.create("ExternalSecret", ns, name, { refreshInterval: "1h", secretStoreRef: { name: "fake" }, target, data });
  const warnings = async (name: string, namespace = ns) => (await k.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })).items.filter((e) => e.type === "Warning");

  before(async () => {
    await installCrds(operatorKubeConfig(), [appConfigCrd as unknown as KubernetesObject]);
    ns = await freshNamespace("manifest");
    offNs = await freshNamespace("manifest-off");
    op = await startTestOperator(ns, { allowGenericTargets: true });
    off = await startTestOperator(offNs);
    const store = { provider: { fake: { data: [{ key: "host", value: host }, { key: "password", value: password }, { key: "port", value: "5432" }] } } };
    await k.create("SecretStore", ns, "fake", store);
    await k.create("SecretStore", offNs, "fake", store);
  });
  after(async () => {
    await op?.stop();
    await off?.stop();
    await kubeConfig().makeApiClient(ApiextensionsV1Api).deleteCustomResourceDefinition({ name: appConfigCrd.metadata.name }).catch(() => {});
  });

  it("renders a ConfigMap from the data (no template), owned by the ExternalSecret, with one Created Event", async () => {
    await es("basic", { name: "app-config", manifest: { apiVersion: "v1", kind: "ConfigMap" } });
    const cm = await waitFor("ConfigMap app-config", () => configMap("app-config"));
    assert.deepEqual(cm.data, { dbHost: host, dbPassword: password });
    assert.equal(cm.metadata?.labels?.[LABEL_MANAGED], "true");
    const owner = cm.metadata?.ownerReferences?.find((r) => r.controller);
    assert.equal(owner?.kind, "ExternalSecret");
    assert.equal(owner?.name, "basic");
    const status = await waitForReady(k, ns, "basic", "True", "SecretSynced");
    assert.equal(ready(status)?.status, "True");
    const events = (await k.core.listNamespacedEvent({ namespace: ns, fieldSelector: "involvedObject.name=basic" })).items.map((e) => `${e.reason}: ${e.message}`);
    assert.deepEqual(events, ["Created: ConfigMap app-config created"]);
  });

  it("renders a custom resource with templateFrom literals at nested paths (ESO's advanced path example)", async () => {
    await es("custom", {
      name: "app-settings",
      manifest: { apiVersion: `${GROUP}/v1`, kind: "AppConfig" },
      template: {
        engineVersion: "v2",
        templateFrom: [
          { literal: "host: {{ .dbHost }}\nport: {{ .dbPort }}\ncredentials:\n  password: {{ .dbPassword }}\n", target: "spec.database" },
          { literal: "level: info\nformat: json\n", target: "spec.logging" },
        ],
      },
    }, [{ secretKey: "dbHost", remoteRef: { key: "host" } }, { secretKey: "dbPort", remoteRef: { key: "port" } }, { secretKey: "dbPassword", remoteRef: { key: "password" } }]);
    const app = await waitFor("AppConfig app-settings", async () => {
      try {
        return (await objects.read({ apiVersion: `${GROUP}/v1`, kind: "AppConfig", metadata: { name: "app-settings", namespace: ns } })) as KubernetesObject & { spec?: Record<string, unknown> };
      } catch {
        return undefined;
      }
    });
    assert.deepEqual(app.spec, { database: { host, port: 5432, credentials: { password } }, logging: { level: "info", format: "json" } });
    await waitForReady(k, ns, "custom", "True");
  });

  it("corrects a hand edit from the watch, long before the next refresh (1h)", async () => {
    await waitFor("app-config synced", async () => ((await configMap("app-config"))?.data?.dbHost === host ? true : undefined));
    await k.core.patchNamespacedConfigMap({ name: "app-config", namespace: ns, body: [{ op: "replace", path: "/data/dbHost", value: "edited-by-hand" }] });
    const restored = await waitFor("drift corrected", async () => ((await configMap("app-config"))?.data?.dbHost === host ? true : undefined));
    assert.ok(restored);
  });

  it("Merge renders into an existing ConfigMap, keeps its other keys and adds no owner", async () => {
    await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "shared", labels: { team: "a" } }, data: { keep: "kept" } } });
    await es("merge", { name: "shared", creationPolicy: "Merge", manifest: { apiVersion: "v1", kind: "ConfigMap" }, template: { data: { url: "postgres://{{ .dbHost }}" } } });
    const cm = await waitFor("merged", async () => {
      const c = await configMap("shared");
      return c?.data?.url ? c : undefined;
    });
    assert.deepEqual(cm.data, { keep: "kept", url: `postgres://${host}` });
    assert.equal(cm.metadata?.labels?.team, "a");
    assert.equal(cm.metadata?.ownerReferences, undefined);
  });

  it("hostile specs fail alone, each Ready=False with one Warning, while the others stay Ready", async () => {
    await k.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "not-ours" }, data: { original: "yes" } } });
    const hostile: Array<[string, Record<string, unknown>, RegExp]> = [
      ["as-secret", { manifest: { apiVersion: "v1", kind: "Secret" } }, /render Secrets with spec\.target \(no manifest\)/],
      ["traversal", { manifest: { apiVersion: "../../api/v1/namespaces/kube-system/secrets", kind: "ConfigMap" } }, /not a valid API version/],
      ["cluster-scoped", { name: "evil", manifest: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole" } }, /cluster-scoped: only namespaced kinds/],
      ["own-kind", { manifest: { apiVersion: "external-secrets.io/v1", kind: "SecretStore" } }, /external-secrets\.io kinds/],
      ["steal", { name: "app-config", manifest: { apiVersion: "v1", kind: "ConfigMap" } }, /owned by ExternalSecret basic/],
      ["clobber", { name: "not-ours", manifest: { apiVersion: "v1", kind: "ConfigMap" } }, /exists and is not managed by this ExternalSecret/],
      ["bad-path", { name: "bad-path", manifest: { apiVersion: `${GROUP}/v1`, kind: "AppConfig" }, template: { templateFrom: [{ literal: "a: 1", target: `spec${"[0]".repeat(200)}` }] } }, /deeper than 64 steps/],
    ];
    for (const [name, target] of hostile) await es(name, target);
    for (const [name, , why] of hostile) {
      const status = await waitForReady(k, ns, name, "False");
      assert.match(ready(status)?.message ?? "", why, name);
    }
    for (const [name] of hostile) assert.equal((await warnings(name)).length, 1, `${name}: one Warning Event`);
    assert.deepEqual((await configMap("not-ours"))?.data, { original: "yes" }, "an object we do not manage is never overwritten");
    assert.deepEqual((await configMap("app-config"))?.data, { dbHost: host, dbPassword: password }, "the owner's ConfigMap is untouched");
    for (const name of ["basic", "custom", "merge"]) assert.equal(ready(await k.es(ns, name))?.status, "True", `${name} still Ready`);
  });

  it("without --unsafe-allow-generic-targets: Ready=False naming the flag, nothing rendered", async () => {
    await k.create("ExternalSecret", offNs, "basic", { secretStoreRef: { name: "fake" }, target: { name: "app-config", manifest: { apiVersion: "v1", kind: "ConfigMap" } }, data: [{ secretKey: "dbHost", remoteRef: { key: "host" } }] });
    const status = await waitForReady(k, offNs, "basic", "False");
    assert.match(ready(status)?.message ?? "", /generic targets are disabled\. Enable with --unsafe-allow-generic-targets flag/);
    assert.equal(await configMap("app-config", offNs), undefined);
    assert.equal((await warnings("basic", offNs)).length, 1);
  });

  it("deleting the ExternalSecret deletes the object it owns (garbage collector), not the merged one", async () => {
    // "steal" (above) would take the name over once it is free.
    await k.delete("ExternalSecret", ns, "steal", "Background");
    await waitForGone("ExternalSecret steal", () => k.es(ns, "steal"));
    await k.delete("ExternalSecret", ns, "basic", "Background");
    await waitForGone("ConfigMap app-config", () => k.core.readNamespacedConfigMap({ name: "app-config", namespace: ns }), CASCADE_TIMEOUT_MS);
    await k.delete("ExternalSecret", ns, "merge", "Background");
    assert.equal((await configMap("shared"))?.data?.keep, "kept");
  });

  it("leaks no value into logs, statuses or Events", async () => {
    const events = JSON.stringify((await k.core.listNamespacedEvent({ namespace: ns })).items.map((e) => e.message));
    const statuses = JSON.stringify((await k.custom.listNamespacedCustomObject({ group: "external-secrets.io", version: "v1", namespace: ns, plural: "externalsecrets" })) as object);
    for (const value of [password, host]) {
      for (const form of leakForms(value)) {
        assert.ok(!op.logs().includes(form), "operator log");
        assert.ok(!events.includes(form), "events");
        assert.ok(!statuses.includes(form), "statuses");
      }
    }
  });
});
